// Log lines (docs/hal-abi.md §4.5) built in one static 200-byte buffer, so logging never allocates:
//   logLine().text("sht31: read failed: ").text(statusName(status)).send(LogLevel.Warning);
// Text longer than the ABI's 200 bytes is cut.
import { log } from "./hal";
import { AsciiWriter } from "./ascii";

/** §4.5 levels. */
export enum LogLevel {
  Error = 0,
  Warning = 1,
  Info = 2,
  Debug = 3,
}

/** §4.5: `len <= 200`. */
const LOG_CAPACITY = 200;
const line = new AsciiWriter(memory.data(LOG_CAPACITY), LOG_CAPACITY);

/** Starts a new line, dropping whatever an unsent one held. */
export function logLine(): AsciiWriter {
  return line.reset();
}

/** Sends the current line at `level`; returns the HAL status. */
export function logSend(level: LogLevel): i32 {
  return log(level, line.buffer, line.length);
}

/** A whole line from one string literal. */
export function logText(level: LogLevel, text: string): i32 {
  line.reset().text(text);
  return logSend(level);
}
