import { parseArgs } from 'node:util';
import { UfbertError } from '../errors.js';
import { excerpt } from '../excerpt.js';

/** A mistake on the command line: the program prints it with the command's help and exits with status 2. */
export class UsageError extends UfbertError {
  /** The exit status of a usage mistake, as in POSIX utilities (1 is a run that failed). */
  readonly exitCode = 2;

  /** @param help the help of the command that was misused, printed after the message. */
  constructor(
    message: string,
    readonly help?: string,
  ) {
    super(message);
  }
}

/** How a program reports a usage mistake on stderr: `program: message`, then the command's help where known. */
export function formatUsageError(program: string, error: UsageError): string {
  return `${program}: ${error.message}${error.help ? `\n\n${error.help}` : ''}`;
}

/** One option of a command: its kind, the placeholder of its value in the help, and its help text. */
export type OptionSpec =
  | { type: 'boolean'; help: string; short?: string }
  | { type: 'string'; value: string; help: string; short?: string; multiple?: boolean };

export interface CommandSpec<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** The synopsis after `usage: `, e.g. `ufbert fill-mask --model DIR|URL [options] TEXT...`. */
  usage: string;
  /** What the command does, printed under the synopsis. */
  summary?: string;
  options: O;
  /** Whether the command takes operands (TEXT...); without, an operand is a usage error. */
  positionals?: boolean;
  /** Text after the option table: defaults that need a sentence, exit statuses, related commands. */
  notes?: string;
}

/** The values parseArgs gives each declared option (absent when not given). */
export type OptionValues<O extends Record<string, OptionSpec>> = {
  [K in keyof O]?: O[K] extends { type: 'boolean' } ? boolean : O[K] extends { multiple: true } ? string[] : string;
};

export interface ParsedCommandLine<O extends Record<string, OptionSpec>> {
  values: OptionValues<O>;
  positionals: string[];
  /** `--help` or `-h` was given: print `formatHelp(spec)` and exit 0, validating nothing else. */
  help: boolean;
}

/**
 * Splits argv by the declared options (node:util's parseArgs, strict), turning its errors into a
 * UsageError. Values are only split here; the caller validates every one of them, with the
 * parsers below, before any side effect.
 */
export function parseCommandLine<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, argv: readonly string[]): ParsedCommandLine<O> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, option] of Object.entries(spec.options)) {
    options[name] = { type: option.type, ...(option.short && { short: option.short }), ...(option.type === 'string' && option.multiple && { multiple: true }) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: spec.positionals ?? false, strict: true });
  } catch (error) {
    // parseArgs's own messages already name the flag ("Unknown option '--fast'"); its other errors are ours (a bad spec).
    if (!(error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw error;
    throw new UsageError((error as Error).message, formatHelp(spec));
  }
  const { help, ...values } = parsed.values;
  return { values: values as OptionValues<O>, positionals: parsed.positionals, help: help === true };
}

/** The command's help: synopsis, summary, one aligned line per option (continuation lines indented), notes. */
export function formatHelp(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([name, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : ''}--${name}${option.type === 'string' ? ` ${option.value}` : ''}`;
    return [flag, option.help] as const;
  });
  rows.push(['-h, --help', 'this text']);
  const width = Math.min(28, Math.max(...rows.map(([flag]) => flag.length)) + 2);
  const lines = rows.map(([flag, help]) => {
    const [first, ...rest] = help.split('\n');
    const head = flag.length + 2 > width ? `  ${flag}\n  ${' '.repeat(width)}${first}` : `  ${flag.padEnd(width)}${first}`;
    return [head, ...rest.map((line) => `  ${' '.repeat(width)}${line}`)].join('\n');
  });
  return [`usage: ${spec.usage}`, spec.summary, `options:\n${lines.join('\n')}`, spec.notes].filter((part) => part !== undefined).join('\n\n');
}

export interface NumberFlag {
  integer?: boolean;
  /** Inclusive bounds; an integer is also held to the safe-integer range. */
  min?: number;
  max?: number;
  /** The bound 0 excluded: a positive number. */
  positive?: boolean;
}

/** What a NumberFlag accepts, in the words an error uses. */
function expectedNumber({ integer, min, max, positive }: NumberFlag): string {
  const kind = integer ? 'integer' : 'number';
  if (min !== undefined && max !== undefined) return `an ${kind} in [${min}, ${max}]`;
  if (positive || (integer && min === 1)) return `a positive ${kind}`;
  if (min === 0) return `a non-negative ${kind}`;
  if (min !== undefined) return `an ${kind} >= ${min}`;
  return `a finite ${kind}`;
}

/** `--seed 12`: a number in the declared range. `1e30` is no seed (not a safe integer), `0x10`, `''` and `Infinity` no number. */
export function parseNumberFlag(flag: string, raw: string, rules: NumberFlag = {}): number {
  const n = raw.trim() === '' || /^0[box]/i.test(raw.trim()) ? Number.NaN : Number(raw);
  const ok =
    Number.isFinite(n) &&
    (!rules.integer || Number.isSafeInteger(n)) &&
    (rules.min === undefined || n >= rules.min) &&
    (rules.max === undefined || n <= rules.max) &&
    (!rules.positive || n > 0);
  if (!ok) throw new UsageError(`--${flag} must be ${expectedNumber(rules)}, got '${excerpt(raw)}'`);
  return n;
}

/** `--dtype q8`: one of a fixed list (a list, not an object lookup, so `toString` is refused). */
export function parseChoiceFlag<T extends string>(flag: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, got '${excerpt(raw)}'`);
  return raw as T;
}

/** `--tasks spam,sentiment`: a comma list of known names, each at most once (a repeat would run the same work twice into one place). */
export function parseListFlag<T extends string>(flag: string, raw: string, allowed: readonly T[]): T[] {
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError(`--${flag} names none of ${allowed.join(', ')}`);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) throw new UsageError(`--${flag}: unknown '${excerpt(item)}'; expected some of ${allowed.join(', ')}`);
  }
  const repeated = items.find((item, i) => items.indexOf(item) !== i);
  if (repeated !== undefined) throw new UsageError(`--${flag} names '${repeated}' twice; name each once`);
  return items as T[];
}

/** Collects usage mistakes so that every bad flag is reported at once, in one UsageError that carries the command's help. */
export class UsageProblems {
  private readonly problems: string[] = [];

  constructor(private readonly help: string) {}

  add(problem: string): void {
    this.problems.push(problem);
  }

  /** Runs one parser; its UsageError is recorded (and `undefined` returned) instead of thrown. */
  check<T>(parse: () => T): T | undefined {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      this.problems.push(error.message);
      return undefined;
    }
  }

  throwIfAny(): void {
    if (this.problems.length) throw new UsageError(this.problems.join('\n'), this.help);
  }
}
