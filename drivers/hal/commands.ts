// The standard commands every app built on these drivers understands (docs/hal-abi.md §6): parsing, the
// declaration of the opcodes handled (§4.7 command_declare), and telling the runner the outputs' states that
// HELLO and HEARTBEAT report (§4.7 output_state). The app decides what each command does. Arguments are
// little-endian; bytes after the arguments are ignored.
import { command_declare, output_state } from "./hal";
import { Status } from "./status";

/** §6 opcodes. */
export enum Opcode {
  Led = 0x01,
  Interval = 0x02,
  Brightness = 0x03,
  /** 0x80..0xFF belong to the app. */
  AppFirst = 0x80,
}

/** §6 LED modes. */
export enum LedMode {
  Off = 0,
  On = 1,
  Toggle = 2,
  Blink = 3,
}

/** §6 limits. */
export const BLINK_PERIOD_MIN_MS: i32 = 50;
export const BLINK_PERIOD_MAX_MS: i32 = 10_000;
export const INTERVAL_MIN_MS: i64 = 100;
export const INTERVAL_MAX_MS: i64 = 3_600_000;

/** Byte offsets and lengths (opcode at 0). */
const ARGUMENTS_AT = 1;
const LED_MODE_LENGTH = 2; // opcode, mode
const LED_BLINK_LENGTH = 4; // opcode, mode, period_ms: u16
const INTERVAL_LENGTH = 5; // opcode, interval_ms: u32
const BRIGHTNESS_LENGTH = 3; // opcode, duty_u16: u16

/** A parsed command; one instance is made at start-up and filled by parseCommand. */
export class Command {
  opcode: i32 = 0;
  ledMode: i32 = LedMode.Off;
  /** LED blink: one full on+off cycle. */
  blinkPeriodMs: i32 = 0;
  intervalMs: i64 = 0;
  dutyU16: i32 = 0;
  /** For opcodes 0x80..0xFF: where the app's arguments start and how many bytes there are. */
  argumentsPtr: usize = 0;
  argumentsLength: i32 = 0;
}

/**
 * Parses the `length` bytes at `ptr` into `out`. Returns OK (also for an app-specific opcode, which the app
 * must then handle or refuse), BAD_ARGUMENT for a command shorter than its arguments or an argument out of
 * range, UNSUPPORTED for an unknown standard opcode. LED modes 0..2 need only the mode byte; blink needs the
 * period too.
 */
export function parseCommand(ptr: usize, length: i32, out: Command): i32 {
  if (length < 1) return Status.BadArgument;
  const opcode = <i32>load<u8>(ptr);
  out.opcode = opcode;
  const args = ptr + ARGUMENTS_AT;
  if (opcode >= Opcode.AppFirst) {
    out.argumentsPtr = args;
    out.argumentsLength = length - ARGUMENTS_AT;
    return Status.Ok;
  }
  switch (opcode) {
    case Opcode.Led: {
      if (length < LED_MODE_LENGTH) return Status.BadArgument;
      const mode = <i32>load<u8>(args);
      if (mode > LedMode.Blink) return Status.BadArgument;
      out.ledMode = mode;
      if (mode != LedMode.Blink) return Status.Ok;
      if (length < LED_BLINK_LENGTH) return Status.BadArgument;
      const periodMs = <i32>load<u16>(args, 1);
      if (periodMs < BLINK_PERIOD_MIN_MS || periodMs > BLINK_PERIOD_MAX_MS) return Status.BadArgument;
      out.blinkPeriodMs = periodMs;
      return Status.Ok;
    }
    case Opcode.Interval: {
      if (length < INTERVAL_LENGTH) return Status.BadArgument;
      const intervalMs = <i64>load<u32>(args);
      if (intervalMs < INTERVAL_MIN_MS || intervalMs > INTERVAL_MAX_MS) return Status.BadArgument;
      out.intervalMs = intervalMs;
      return Status.Ok;
    }
    case Opcode.Brightness: {
      if (length < BRIGHTNESS_LENGTH) return Status.BadArgument;
      out.dutyU16 = <i32>load<u16>(args);
      return Status.Ok;
    }
    default:
      return Status.Unsupported;
  }
}

// ---- §4.7: what the runner is told ----------------------------------------------------------------------------

/** §4.7: the report intervals and the longest blink period output_state takes. */
const REPORT_INTERVAL_MIN_MS: i64 = 1;
const LED_PERIOD_MAX_MS: i64 = 0xffff;

/** §4.7 output_state outputs. */
export enum Output {
  ReportInterval = 0,
  LedMode = 1,
  LedPeriod = 2,
}

/** Declares one opcode the app handles (0x01..0x6F or 0x80..0xFF); only during init. */
export function declareCommand(opcode: i32): i32 {
  return command_declare(opcode);
}

/** Declares LED, INTERVAL and BRIGHTNESS, which parseCommand understands; only during init. Returns the first failure. */
export function declareStandardCommands(): i32 {
  let status = declareCommand(Opcode.Led);
  if (status == Status.Ok) status = declareCommand(Opcode.Interval);
  if (status == Status.Ok) status = declareCommand(Opcode.Brightness);
  return status;
}

// What the runner was last told, so that it hears only of changes; -1 before the first call. A new instance
// starts afresh, as the runner's copy does.
let toldIntervalMs: i32 = -1;
let toldLedMode: i32 = -1;
let toldLedPeriodMs: i32 = -1;

/** Tells the runner the report interval (1..3_600_000 ms, else BAD_ARGUMENT) if it changed; returns the HAL status. */
export function announceInterval(intervalMs: i64): i32 {
  if (intervalMs < REPORT_INTERVAL_MIN_MS || intervalMs > INTERVAL_MAX_MS) return Status.BadArgument;
  const interval = <i32>intervalMs;
  if (interval == toldIntervalMs) return Status.Ok;
  const status = output_state(Output.ReportInterval, interval);
  if (status == Status.Ok) toldIntervalMs = interval;
  return status;
}

/**
 * Tells the runner the user LED's mode (Off, On or Blink: a toggle is announced where it landed) and blink period
 * (0 unless blinking), each if it changed; returns the first failure.
 */
export function announceLed(mode: i32, blinkPeriodMs: i64): i32 {
  // §4.7 takes periods of 0..65535 ms; a longer one (never from the LED command, 50..10000) is announced as 0.
  const blinking = mode == LedMode.Blink && blinkPeriodMs > 0 && blinkPeriodMs <= LED_PERIOD_MAX_MS;
  const periodMs: i32 = blinking ? <i32>blinkPeriodMs : 0;
  let status: i32 = Status.Ok;
  if (periodMs != toldLedPeriodMs) {
    status = output_state(Output.LedPeriod, periodMs);
    if (status == Status.Ok) toldLedPeriodMs = periodMs;
  }
  if (mode != toldLedMode) {
    const modeStatus = output_state(Output.LedMode, mode);
    if (modeStatus == Status.Ok) toldLedMode = mode;
    if (status == Status.Ok) status = modeStatus;
  }
  return status;
}
