/**
 * The command line of every subcommand, read by one set of rules (issue 9): options are declared once with the
 * kind of value each takes, unknown ones are refused by name, and a bad value is named with the option and the
 * rule it breaks, e.g. `--devices '-5' must be a whole number from 1 to 100000`.
 *
 * Checks run in a fixed order: the shape of the command line (unknown options, missing values, stray arguments),
 * then each given value in the order the options are declared, then the required options that are missing.
 * `--help` or `-h` anywhere before `--` wins over everything else.
 */
import { UsageError } from './errors.ts';

/** How an option is given and what its text turns into. */
export interface OptionSpec<T> {
  /** `--devices 3` takes a value; `--json` is a flag. */
  readonly takesValue: boolean;
  /** Set on a required option: what follows `--x is required` (e.g. the choices). */
  readonly required?: { hint: string };
  /** The option's value from its text, or from undefined when it was not given. Throws UsageError. */
  read(text: string | undefined, option: string): T;
}

type Specs = Record<string, OptionSpec<unknown>>;
type ValuesOf<S extends Specs> = { [K in keyof S]: S[K] extends OptionSpec<infer T> ? T : never };

export type CommandLine<S extends Specs> = { help: true } | { help: false; values: ValuesOf<S>; positionals: string[] };

export interface CommandLineRules {
  /** The command as typed, for the pointer to its help: 'sim', 'firmware build'. */
  command: string;
  /** Whether arguments that are not options are allowed (the command checks how many). Default: none. */
  positionals?: boolean;
}

const HELP_FLAGS = new Set(['--help', '-h']);

export function parseCommandLine<S extends Specs>(args: string[], specs: S, rules: CommandLineRules): CommandLine<S> {
  const end = args.indexOf('--');
  const options = end === -1 ? args : args.slice(0, end);
  if (options.some((arg) => HELP_FLAGS.has(arg))) return { help: true };
  const usage = (message: string) => new UsageError(message, rules.command);

  const given = new Map<string, string>();
  const positionals: string[] = [];
  for (let index = 0; index < options.length; index += 1) {
    const arg = options[index]!;
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const option = equals === -1 ? arg : arg.slice(0, equals);
    const name = option.slice(2);
    const spec = option.startsWith('--') && Object.hasOwn(specs, name) ? specs[name]! : undefined;
    if (spec === undefined) throw usage(`unknown option '${option}'`);
    if (!spec.takesValue) {
      if (equals !== -1) throw usage(`${option} takes no value`);
      given.set(name, '');
    } else if (equals !== -1) {
      given.set(name, arg.slice(equals + 1));
    } else {
      // The next argument is the value unless it names an option: `--devices -5` is judged by --devices' own
      // rule, and `--reset-sequence -rts,dtr` is a sequence, while `--devices --json` lacks a value.
      const next = options[index + 1];
      if (next === undefined || namesOption(next, specs)) throw usage(`${option} needs a value`);
      given.set(name, next);
      index += 1;
    }
  }
  if (end !== -1) positionals.push(...args.slice(end + 1));
  if (positionals.length > 0 && !rules.positionals) throw usage(`unexpected argument '${positionals[0]}'`);

  const values: Record<string, unknown> = {};
  try {
    for (const [name, spec] of Object.entries(specs)) {
      if (given.has(name)) values[name] = spec.read(given.get(name), `--${name}`);
    }
    for (const [name, spec] of Object.entries(specs)) {
      if (!given.has(name) && spec.required) throw usage(`--${name} is required${spec.required.hint}`);
    }
    for (const [name, spec] of Object.entries(specs)) {
      if (!given.has(name)) values[name] = spec.read(undefined, `--${name}`);
    }
  } catch (error) {
    if (error instanceof UsageError && error.command === undefined) throw usage(error.message);
    throw error;
  }
  return { help: false, values: values as ValuesOf<S>, positionals };
}

function namesOption(arg: string, specs: Specs): boolean {
  if (HELP_FLAGS.has(arg)) return true;
  const equals = arg.indexOf('=');
  return arg.startsWith('--') && Object.hasOwn(specs, arg.slice(2, equals === -1 ? undefined : equals));
}

/** A flag such as `--json`: true when given. */
export function flag(): OptionSpec<boolean> {
  return { takesValue: false, read: (text) => text !== undefined };
}

/**
 * An option whose text `parse` turns into a value (throwing UsageError when it cannot), with the value used
 * when the option is not given.
 */
export function value<T>(parse: (text: string, option: string) => T): OptionSpec<T | undefined>;
export function value<T>(parse: (text: string, option: string) => T, fallback: T): OptionSpec<T>;
export function value<T>(parse: (text: string, option: string) => T, fallback?: T): OptionSpec<T | undefined> {
  return { takesValue: true, read: (text, option) => (text === undefined ? fallback : parse(text, option)) };
}

/** The same option, which must be given; `hint` follows `--x is required`, e.g. `: one of a, b`. */
export function required<T>(spec: OptionSpec<T | undefined>, hint = ''): OptionSpec<T> {
  return { ...spec, required: { hint }, read: (text, option) => spec.read(text, option)! };
}

/** Any text, such as a path. */
export function text(): OptionSpec<string | undefined>;
export function text(fallback: string): OptionSpec<string>;
export function text(fallback?: string): OptionSpec<string | undefined> {
  return value((given) => given, fallback);
}

export interface IntegerRange {
  min: number;
  /** Default: the largest safe integer. */
  max?: number;
  /** Print the bounds in hexadecimal (addresses). */
  hex?: boolean;
}

export const POSITIVE: IntegerRange = { min: 1 };
export const NON_NEGATIVE: IntegerRange = { min: 0 };
/** A seed is 32 bits wide wherever it is used (host/sim/prng.ts, hash32). */
export const SEED_RANGE: IntegerRange = { min: 0, max: 0xffff_ffff };

const DECIMAL = /^-?\d+$/;
const HEXADECIMAL = /^0x[0-9a-f]+$/i;

/** A whole number in decimal or 0x hexadecimal within `range`. */
export function integer(range: IntegerRange): OptionSpec<number | undefined>;
export function integer(range: IntegerRange, fallback: number): OptionSpec<number>;
export function integer(range: IntegerRange, fallback?: number): OptionSpec<number | undefined> {
  return value((given, option) => parseInteger(given, option, range), fallback);
}

export function parseInteger(text: string, option: string, range: IntegerRange): number {
  const number = readInteger(text);
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (number === undefined || number < range.min || number > max) {
    throw new UsageError(`${option} '${text}' must be ${describeRange(range)}`);
  }
  return number;
}

/** The whole number `text` spells (decimal or 0x hexadecimal), or undefined. */
export function readInteger(text: string): number | undefined {
  if (!DECIMAL.test(text) && !HEXADECIMAL.test(text)) return undefined;
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : undefined;
}

function describeRange({ min, max, hex }: IntegerRange): string {
  const show = (bound: number) => (hex ? `0x${bound.toString(16).toUpperCase().padStart(8, '0')}` : String(bound));
  if (max !== undefined) return `a whole number from ${show(min)} to ${show(max)}`;
  if (min === 1) return 'a positive whole number';
  return `a whole number, ${show(min)} or more`;
}

const PROBABILITY = /^(\d+(\.\d*)?|\.\d+)$/;

/** A probability from 0 to 1. */
export function probability(fallback = 0): OptionSpec<number> {
  return value((given, option) => {
    const number = Number(given);
    if (!PROBABILITY.test(given) || number > 1) throw new UsageError(`${option} '${given}' must be a probability from 0 to 1`);
    return number;
  }, fallback);
}

/** One of a few words. */
export function choice<const T extends string>(choices: readonly T[]): OptionSpec<T | undefined>;
export function choice<const T extends string>(choices: readonly T[], fallback: T): OptionSpec<T>;
export function choice<const T extends string>(choices: readonly T[], fallback?: T): OptionSpec<T | undefined> {
  return value((given, option) => {
    if (!(choices as readonly string[]).includes(given)) {
      throw new UsageError(`${option} '${given}' must be one of ${choices.join(', ')}`);
    }
    return given as T;
  }, fallback);
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const MS_PER_UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A length of time above zero, `500ms`, `60s`, `5m`, `1h` or a bare number of seconds, in ms. */
export function duration(fallback: string): OptionSpec<number> {
  return value(parseDurationMs, parseDurationMs(fallback, 'default'));
}

export function parseDurationMs(text: string, option: string): number {
  const match = DURATION.exec(text);
  const ms = match ? Math.round(Number(match[1]) * MS_PER_UNIT[match[2] ?? 's']!) : 0;
  if (!Number.isSafeInteger(ms) || ms < 1) {
    throw new UsageError(`${option} '${text}' must be a time above 0 such as 500ms, 60s, 5m or 1h`);
  }
  return ms;
}
