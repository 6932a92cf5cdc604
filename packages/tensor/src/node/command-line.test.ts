import { describe, expect, it } from 'vitest';
import {
  formatHelp,
  formatUsageError,
  parseChoiceFlag,
  parseCommandLine,
  parseListFlag,
  parseNumberFlag,
  UsageError,
  UsageProblems,
  type CommandSpec,
} from './command-line.js';

const spec = {
  usage: 'tool --model DIR [options] TEXT...',
  summary: 'Does one thing.',
  options: {
    model: { type: 'string', value: 'DIR', help: 'the model folder' },
    corpus: { type: 'string', value: 'FILE', multiple: true, help: 'a text file\nrepeat for more' },
    json: { type: 'boolean', help: 'print JSON' },
  },
  positionals: true,
  notes: 'Exit status: 0 done, 2 usage.',
} satisfies CommandSpec;

describe('parseCommandLine', () => {
  it('splits declared options and operands, and reports --help / -h without validating', () => {
    const parsed = parseCommandLine(spec, ['--model', 'm', '--corpus', 'a', '--corpus', 'b', '--json', 'one', 'two']);
    expect(parsed).toEqual({ values: { model: 'm', corpus: ['a', 'b'], json: true }, positionals: ['one', 'two'], help: false });
    expect(parseCommandLine(spec, ['-h']).help).toBe(true);
  });

  it('turns an unknown flag, a missing value and an unexpected operand into a UsageError with exit status 2', () => {
    expect(() => parseCommandLine(spec, ['--fast'])).toThrow(UsageError);
    expect(() => parseCommandLine(spec, ['--fast'])).toThrow(/--fast/);
    expect(() => parseCommandLine(spec, ['--fast'])).toThrow(expect.objectContaining({ help: formatHelp(spec) }));
    expect(() => parseCommandLine(spec, ['--model'])).toThrow(UsageError);
    expect(() => parseCommandLine({ ...spec, positionals: false }, ['text'])).toThrow(UsageError);
    expect(new UsageError('x').exitCode).toBe(2);
  });
});

describe('formatHelp', () => {
  it('prints the synopsis, one aligned line per option with its continuation lines, --help and the notes', () => {
    const help = formatHelp(spec);
    expect(help.split('\n')).toEqual([
      'usage: tool --model DIR [options] TEXT...',
      '',
      'Does one thing.',
      '',
      'options:',
      '  --model DIR    the model folder',
      '  --corpus FILE  a text file',
      '                 repeat for more',
      '  --json         print JSON',
      '  -h, --help     this text',
      '',
      'Exit status: 0 done, 2 usage.',
    ]);
  });
});

describe('value parsers', () => {
  it('takes numbers in range and names the flag, what it expected and what it got otherwise', () => {
    expect(parseNumberFlag('seed', '12', { integer: true, min: 0 })).toBe(12);
    expect(parseNumberFlag('lr', '5e-4', { positive: true })).toBe(5e-4);
    expect(() => parseNumberFlag('seed', '1e30', { integer: true, min: 0 })).toThrow("--seed must be a non-negative integer, got '1e30'");
    expect(() => parseNumberFlag('steps', '0', { integer: true, min: 1 })).toThrow("--steps must be a positive integer, got '0'");
    expect(() => parseNumberFlag('len', '200', { integer: true, min: 8, max: 128 })).toThrow("--len must be an integer in [8, 128], got '200'");
    for (const raw of ['', ' ', 'Infinity', 'NaN', '0x10', '1.5', 'ten']) expect(() => parseNumberFlag('n', raw, { integer: true }), raw).toThrow(UsageError);
    expect(() => parseNumberFlag('budget', '-1', { positive: true })).toThrow("--budget must be a positive number, got '-1'");
  });

  it('takes one of a list (never an inherited property) and lists of known names, each once', () => {
    expect(parseChoiceFlag('dtype', 'q8', ['fp32', 'q8'])).toBe('q8');
    for (const raw of ['toString', '__proto__', 'Q8'])
      expect(() => parseChoiceFlag('dtype', raw, ['fp32', 'q8'])).toThrow(`--dtype must be one of fp32, q8, got '${raw}'`);
    expect(parseListFlag('tasks', 'spam, sentiment', ['spam', 'sentiment'])).toEqual(['spam', 'sentiment']);
    expect(() => parseListFlag('tasks', 'spam,spam', ['spam', 'sentiment'])).toThrow("--tasks names 'spam' twice");
    expect(() => parseListFlag('tasks', 'spam,nope', ['spam'])).toThrow("--tasks: unknown 'nope'; expected some of spam");
    expect(() => parseListFlag('tasks', ',', ['spam'])).toThrow('--tasks names none of spam');
  });
});

describe('UsageProblems', () => {
  it('collects every mistake and throws them at once with the help, passing other errors through', () => {
    const problems = new UsageProblems('HELP');
    expect(problems.check(() => parseNumberFlag('a', 'x'))).toBeUndefined();
    expect(problems.check(() => parseNumberFlag('b', '2'))).toBe(2);
    problems.add('give --x or --y, not both');
    expect(() => problems.throwIfAny()).toThrow("--a must be a finite number, got 'x'\ngive --x or --y, not both");
    const thrown = (() => {
      try {
        problems.throwIfAny();
      } catch (error) {
        return error as UsageError;
      }
    })();
    expect(thrown?.help).toBe('HELP');
    expect(formatUsageError('tool', thrown!)).toBe("tool: --a must be a finite number, got 'x'\ngive --x or --y, not both\n\nHELP");
    expect(() => problems.check(() => JSON.parse('{'))).toThrow(SyntaxError);
    expect(() => new UsageProblems('HELP').throwIfAny()).not.toThrow();
  });
});
