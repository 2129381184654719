import { TrapCode } from '../link/messages.ts';
import { trapText } from './text-rules.ts';

/**
 * A trap inside the app (docs/hal-abi.md §7): the call ended, the instance must not be used again. The message
 * and file are cut to 96 bytes at a character boundary, as every runner's EVENT carries them.
 */
export class AppTrap extends Error {
  readonly file: string;

  constructor(
    readonly code: TrapCode,
    message: string,
    file = '',
    readonly line = 0,
    readonly column = 0,
  ) {
    super(trapText(message));
    this.name = 'AppTrap';
    this.file = trapText(file);
  }

  /** `message at file:line:column`, or just the message when there is no location. */
  describe(): string {
    return this.file ? `${this.message} at ${this.file}:${this.line}:${this.column}` : this.message;
  }
}

/** V8's RuntimeError messages for Wasm traps, mapped to the link's trap codes. */
const runtimeErrorCodes: [RegExp, TrapCode][] = [
  [/unreachable/i, TrapCode.Unreachable],
  [/out of bounds|offset is out of bounds/i, TrapCode.MemoryOutOfBounds],
  [/divide by zero|remainder by zero|integer overflow|float unrepresentable/i, TrapCode.IntegerFault],
  [/signature mismatch|null function|table index/i, TrapCode.IndirectCall],
];

/** Turns whatever escaped a call into the app into an AppTrap; host bugs (plain Errors from our code) pass through. */
export function toAppTrap(error: unknown): unknown {
  if (error instanceof AppTrap) return error;
  if (error instanceof WebAssembly.RuntimeError) {
    const code = runtimeErrorCodes.find(([pattern]) => pattern.test(error.message))?.[1] ?? TrapCode.Other;
    return new AppTrap(code, error.message);
  }
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return new AppTrap(TrapCode.CallStackExhausted, error.message);
  }
  return error;
}
