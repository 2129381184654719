/**
 * docs/mqtt.md §5.1: a command's name and JSON payload checked and turned into the device command's bytes
 * (docs/hal-abi.md §6 for the standard opcodes, docs/link-protocol.md §4.5.1 for the runner's). Arguments are
 * little-endian.
 */
import { RunnerOpcode } from '../../link/messages.ts';
import { STANDARD_COMMANDS } from './birth.ts';

/** docs/hal-abi.md §6 LED modes by their §5.1 names. */
const LED_MODES = { off: 0, on: 1, toggle: 2, blink: 3 } as const;
const BLINK_PERIOD_MS = { min: 50, max: 10_000 };
const INTERVAL_MS = { min: 100, max: 3_600_000 };
const DUTY_U16_MAX = 0xffff;
/** docs/link-protocol.md §4.5: a COMMAND payload is at most 64 bytes, the opcode included. */
const MAX_APP_ARGUMENT_BYTES = 63;
const APP_COMMAND = /^app:0x([0-9a-f]{2})$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

const OPCODES: Record<string, number> = {
  ...Object.fromEntries([...STANDARD_COMMANDS].map(([opcode, name]) => [name, opcode])),
  ping: RunnerOpcode.Ping,
  hello: RunnerOpcode.Hello,
  reboot: RunnerOpcode.Reboot,
};

export type CommandRequestResult =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; error: 'unknown-command' | 'bad-argument'; detail: string };

class BadArgument extends Error {}

function bad(detail: string): never {
  throw new BadArgument(detail);
}

function integerIn(payload: Record<string, unknown>, field: string, { min, max }: { min: number; max: number }): number {
  const value = payload[field];
  if (value === undefined) bad(`${field}: required`);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    bad(`${field}: must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function onlyFields(payload: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(payload).find((key) => key !== 'id' && !allowed.includes(key));
  if (extra !== undefined) bad(`${extra}: not an argument of this command`);
}

function ledBytes(payload: Record<string, unknown>): Uint8Array {
  onlyFields(payload, ['mode', 'periodMs']);
  const mode = payload.mode;
  if (typeof mode !== 'string' || !Object.hasOwn(LED_MODES, mode)) bad(`mode: must be one of ${Object.keys(LED_MODES).join(', ')}`);
  const modeNumber = LED_MODES[mode as keyof typeof LED_MODES];
  if (mode !== 'blink') {
    if (payload.periodMs !== undefined) bad('periodMs: for mode blink only');
    return Uint8Array.of(OPCODES.led!, modeNumber);
  }
  const periodMs = integerIn(payload, 'periodMs', BLINK_PERIOD_MS);
  return Uint8Array.of(OPCODES.led!, modeNumber, periodMs & 0xff, periodMs >>> 8);
}

function intervalBytes(payload: Record<string, unknown>): Uint8Array {
  onlyFields(payload, ['ms']);
  const ms = integerIn(payload, 'ms', INTERVAL_MS);
  const bytes = new Uint8Array(5);
  bytes[0] = OPCODES.interval!;
  new DataView(bytes.buffer).setUint32(1, ms, true);
  return bytes;
}

/** `{"dutyU16":0..65535}` or `{"duty":0.0..1.0}`, the latter as round(duty × 65535) (docs/mqtt.md §5.3). */
function brightnessBytes(payload: Record<string, unknown>): Uint8Array {
  onlyFields(payload, ['dutyU16', 'duty']);
  let dutyU16: number;
  if (payload.duty !== undefined) {
    if (payload.dutyU16 !== undefined) bad('duty: give either duty or dutyU16');
    const duty = payload.duty;
    if (typeof duty !== 'number' || !(duty >= 0 && duty <= 1)) bad('duty: must be a number from 0 to 1');
    dutyU16 = Math.round(duty * DUTY_U16_MAX);
  } else {
    dutyU16 = integerIn(payload, 'dutyU16', { min: 0, max: DUTY_U16_MAX });
  }
  return Uint8Array.of(OPCODES.brightness!, dutyU16 & 0xff, dutyU16 >>> 8);
}

function appBytes(opcode: number, payload: Record<string, unknown>): Uint8Array {
  onlyFields(payload, ['args']);
  const args = payload.args ?? '';
  if (typeof args !== 'string' || !HEX.test(args)) bad('args: must be hex digits, two per byte');
  if (args.length / 2 > MAX_APP_ARGUMENT_BYTES) bad(`args: at most ${MAX_APP_ARGUMENT_BYTES} bytes`);
  return Uint8Array.of(opcode, ...Buffer.from(args, 'hex'));
}

/**
 * The device command for `command` with `payload`, for a device whose birth lists `commands` (docs/mqtt.md §3.2).
 * `id` is the requester's own and never an argument.
 */
export function commandRequest(command: string, payload: Record<string, unknown>, commands: readonly string[]): CommandRequestResult {
  if (!commands.includes(command)) {
    return { ok: false, error: 'unknown-command', detail: `${command}: this device takes ${commands.join(', ')}` };
  }
  try {
    const app = APP_COMMAND.exec(command);
    if (app !== null) return { ok: true, bytes: appBytes(Number.parseInt(app[1]!, 16), payload) };
    switch (command) {
      case 'led':
        return { ok: true, bytes: ledBytes(payload) };
      case 'interval':
        return { ok: true, bytes: intervalBytes(payload) };
      case 'brightness':
        return { ok: true, bytes: brightnessBytes(payload) };
      default:
        onlyFields(payload, []);
        return { ok: true, bytes: Uint8Array.of(OPCODES[command]!) };
    }
  } catch (error) {
    if (error instanceof BadArgument) return { ok: false, error: 'bad-argument', detail: error.message };
    throw error;
  }
}
