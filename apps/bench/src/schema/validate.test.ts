import { describe, expect, it } from 'vitest';
import { UnsupportedSchemaError, validate, type JsonSchema } from './validate.js';

const schema: JsonSchema = {
  type: 'object',
  required: ['name', 'level'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, pattern: '^[a-z]' },
    level: { anyOf: [{ enum: [1, 2, 3] }, { enum: ['fused'] }] },
    at: { type: 'string', format: 'date-time' },
    items: { type: 'array', minItems: 1, items: { $ref: '#/$defs/positive' } },
    maybe: { type: ['number', 'null'] },
    count: { type: 'integer', minimum: 0, maximum: 9 },
    version: { const: 1 },
  },
  $defs: { positive: { type: 'number', exclusiveMinimum: 0 } },
};

/** Sorted: errors come in the document's key order, which the assertions need not know. */
const messages = (value: unknown) =>
  validate(schema, value)
    .map((e) => `${e.path}: ${e.message}`)
    .sort();

describe('validate', () => {
  it('accepts a conforming document', () => {
    expect(messages({ name: 'fff', level: 'fused', at: '2025-01-31T10:20:30.123Z', items: [1, 0.5], maybe: null, count: 3, version: 1 })).toEqual([]);
  });

  it('reports each violation with its JSON pointer', () => {
    const expected = [
      '/level: expected a match of one anyOf alternative, got 4',
      "/extra: property 'extra' is not in the schema",
      '/items: expected at least 1 items, got 0',
      '/count: expected integer, got number',
      '/version: expected 1, got 2',
      '/name: expected to match /^[a-z]/, got "X"',
    ];
    expect(messages({ level: 4, extra: true, items: [], count: 1.5, version: 2, name: 'X' })).toEqual(expected.sort());
  });

  it('reports missing required properties at their parent', () => {
    expect(messages({ level: 1 })).toEqual([": missing required property 'name'"]);
  });

  it('follows $ref into $defs and checks numbers, strings and dates', () => {
    const expected = [
      '/items/0: expected more than 0, got 0',
      '/maybe: expected number or null, got string',
      '/count: expected at most 9, got 10',
      '/at: expected an ISO 8601 date-time, got "yesterday"',
    ];
    expect(messages({ name: 'a', level: 1, items: [0], count: 10, at: 'yesterday', maybe: 'x' })).toEqual(expected.sort());
  });

  it('refuses keywords it does not implement rather than ignoring them', () => {
    expect(() => validate({ type: 'object', patternProperties: {} }, {})).toThrow(UnsupportedSchemaError);
    expect(() => validate({ $ref: '#/definitions/x' }, 1)).toThrow(/only '#\/\$defs\/<name>'/);
  });
});
