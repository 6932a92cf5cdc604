/**
 * A JSON Schema (2020-12) validator for the keywords results.schema.json uses: type,
 * enum, const, properties, required, additionalProperties, items, minItems, minimum,
 * maximum, exclusiveMinimum, minLength, pattern, anyOf, format (date-time) and local
 * $ref to #/$defs. Any other keyword is an error, so the schema cannot silently say
 * more than this checks.
 */

export type JsonSchema = boolean | { [keyword: string]: unknown };

export interface SchemaError {
  /** JSON pointer into the document, `''` for the root. */
  path: string;
  message: string;
}

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', '$comment', '$defs', 'examples', 'default']);
const SUPPORTED = new Set([
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'minLength',
  'pattern',
  'anyOf',
  'format',
  '$ref',
]);
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export class UnsupportedSchemaError extends Error {
  override name = 'UnsupportedSchemaError';
}

/** Every way `value` breaks `schema` (empty when it conforms). */
export function validate(schema: JsonSchema, value: unknown): SchemaError[] {
  const errors: SchemaError[] = [];
  check(schema, value, '', schema, errors);
  return errors;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema {
  const match = /^#\/\$defs\/([^/]+)$/.exec(ref);
  const defs = typeof root === 'object' ? (root.$defs as Record<string, JsonSchema> | undefined) : undefined;
  const target = match && defs ? defs[match[1]] : undefined;
  if (target === undefined) throw new UnsupportedSchemaError(`cannot resolve $ref '${ref}': only '#/$defs/<name>' of the same document is supported`);
  return target;
}

function check(schema: JsonSchema, value: unknown, path: string, root: JsonSchema, errors: SchemaError[]): void {
  if (schema === true) return;
  if (schema === false) {
    errors.push({ path, message: 'no value is allowed here' });
    return;
  }
  for (const keyword of Object.keys(schema)) {
    if (!SUPPORTED.has(keyword) && !ANNOTATIONS.has(keyword))
      throw new UnsupportedSchemaError(`schema keyword '${keyword}' at ${path || '/'} is not supported`);
  }
  const fail = (message: string) => errors.push({ path, message });

  if (typeof schema.$ref === 'string') check(resolveRef(root, schema.$ref), value, path, root, errors);

  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => matchesType(value, t))) {
      fail(`expected ${types.join(' or ')}, got ${typeOf(value)}`);
      return;
    }
  }
  if (schema.const !== undefined && !sameJson(schema.const, value)) fail(`expected ${JSON.stringify(schema.const)}, got ${JSON.stringify(value)}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => sameJson(e, value)))
    fail(`expected one of ${JSON.stringify(schema.enum)}, got ${JSON.stringify(value)}`);
  if (Array.isArray(schema.anyOf)) {
    const matches = (branch: JsonSchema) => {
      const branchErrors: SchemaError[] = [];
      check(branch, value, path, root, branchErrors);
      return branchErrors.length === 0;
    };
    if (!(schema.anyOf as JsonSchema[]).some(matches)) fail(`expected a match of one anyOf alternative, got ${JSON.stringify(value)}`);
  }

  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) fail(`expected at least ${schema.minimum}, got ${value}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) fail(`expected at most ${schema.maximum}, got ${value}`);
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) fail(`expected more than ${schema.exclusiveMinimum}, got ${value}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) fail(`expected at least ${schema.minLength} characters`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
      fail(`expected to match /${schema.pattern}/, got ${JSON.stringify(value)}`);
    if (schema.format === 'date-time' && (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value))))
      fail(`expected an ISO 8601 date-time, got ${JSON.stringify(value)}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) fail(`expected at least ${schema.minItems} items, got ${value.length}`);
    if (schema.items !== undefined) value.forEach((item, i) => check(schema.items as JsonSchema, item, `${path}/${i}`, root, errors));
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const key of (schema.required ?? []) as string[]) {
      if (!(key in object)) fail(`missing required property '${key}'`);
    }
    for (const [key, child] of Object.entries(object)) {
      const childPath = `${path}/${escapePointer(key)}`;
      if (key in properties) check(properties[key], child, childPath, root, errors);
      else if (schema.additionalProperties === false) errors.push({ path: childPath, message: `property '${key}' is not in the schema` });
      else if (schema.additionalProperties !== undefined) check(schema.additionalProperties as JsonSchema, child, childPath, root, errors);
    }
  }
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
