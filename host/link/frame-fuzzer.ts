/**
 * Seeded generators for fuzzing a link receiver (test/link/fuzz.test.ts, bench/link-decoder.ts, an edge's own
 * tests): random valid messages, and a wire stream of several sender sessions mixing intact frames with corrupted
 * ones, noise and over-long runs. Every item records what a correct decoder must make of it, worked out without the
 * decoder's streaming logic.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import { Prng } from '../sim/prng.ts';
import { cobsDecode, cobsEncode, cobsMaxEncodedBytes } from './cobs.ts';
import { decodeBody } from './codec.ts';
import type { DecodedFrame } from './decoder.ts';
import { DROP_REASONS, type DropReason } from './drop-reasons.ts';
import { LinkEncoder } from './encoder.ts';
import type {
  CommandResultMessage,
  HeartbeatMessage,
  HelloMessage,
  LinkMessage,
  MetricMessage,
  ProxyOperation,
} from './messages.ts';

// Limits restated from docs/link-protocol.md §4 to keep every message valid.
const STR_MAX_BYTES = 255;
/** §4.1: firmware_version and app_version. */
const VERSION_STR_MAX_BYTES = 32;
/** §3.3 `id`. */
const ID_MAX_BYTES = 32;
const ID_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-';
const DATA_MAX_VALUES = 24;
const COMMAND_MAX_BYTES = 64;
const RESULT_MAX_BYTES = 16;
const I2C_MAX_BYTES = 255;
const SAFE_TIME = Number.MAX_SAFE_INTEGER;
const U32_MAX = 0xffff_ffff;
/** §4.1, §4.8. */
const PERIOD_MIN_MS = 1000;
const PERIOD_MAX_MS = 3_600_000;
const REPORT_INTERVAL_MAX_MS = 3_600_000;
/** §4.1: at most 16 opcodes, none of them 0x00 or the runner's 0x70..0x7F. */
const OPCODES_MAX = 16;
const APP_OPCODES = Array.from({ length: 256 }, (_, opcode) => opcode).filter(
  (opcode) => opcode !== 0 && (opcode < 0x70 || opcode > 0x7f),
);
/** §4.7: each EVENT kind's codes. */
const EVENT_CODES: Record<number, readonly [number, number]> = { 1: [1, 7], 2: [1, 4], 3: [0, 0], 4: [1, 2] };
/** §4.10: HAL statuses. */
const HAL_STATUS_MAX = 6;

/** Characters of 1 to 4 UTF-8 bytes, and U+FEFF, which a careless decoder drops at the start of a string. */
const CHARACTERS = ['a', 'Z', '0', '_', '.', ' ', 'é', '°', '温', '😀', '\u{feff}'].map((text) => ({
  text,
  bytes: Buffer.byteLength(text),
}));

export function randomString(prng: Prng, maxBytes: number): string {
  const budget = prng.chance(0.1) ? maxBytes : prng.int(0, Math.min(maxBytes, 40));
  let text = '';
  let bytes = 0;
  for (;;) {
    const character = prng.pick(CHARACTERS);
    if (bytes + character.bytes > budget) return text;
    text += character.text;
    bytes += character.bytes;
  }
}

/** A §3.3 `id`: 1..32 of A-Z a-z 0-9 . _ - */
export function randomId(prng: Prng): string {
  const length = prng.chance(0.1) ? ID_MAX_BYTES : prng.int(1, 12);
  return Array.from({ length }, () => ID_CHARACTERS[prng.int(0, ID_CHARACTERS.length - 1)]).join('');
}

function randomTime(prng: Prng): number {
  return prng.chance(0.05) ? SAFE_TIME : prng.int(0, 2 ** 40);
}

function randomU32(prng: Prng): number {
  return prng.chance(0.05) ? U32_MAX : prng.int(0, U32_MAX);
}

/** §5.1: a session is never 0. */
export function randomSession(prng: Prng): number {
  return prng.chance(0.05) ? prng.pick([1, 0x1_0000, U32_MAX]) : prng.int(1, U32_MAX);
}

function randomPeriod(prng: Prng): number {
  return prng.chance(0.8) ? 5000 : prng.pick([PERIOD_MIN_MS, PERIOD_MAX_MS, prng.int(PERIOD_MIN_MS, PERIOD_MAX_MS)]);
}

function randomReportInterval(prng: Prng): number {
  return prng.pick([0, 1000, REPORT_INTERVAL_MAX_MS, prng.int(1, REPORT_INTERVAL_MAX_MS)]);
}

/** An EVENT code of `kind` (§4.7). */
function randomEventCode(prng: Prng, kind: number): number {
  const [min, max] = EVENT_CODES[kind]!;
  return prng.int(min, max);
}

/** A finite f64 from random bits: every exponent but the all-ones one (NaN, ±Infinity, §4.3). */
const bits = new DataView(new ArrayBuffer(8));

function randomFinite(prng: Prng): number {
  bits.setUint32(0, prng.int(0, 0xffff_ffff));
  bits.setUint32(4, prng.int(0, 0xffff_ffff));
  const value = bits.getFloat64(0);
  return Number.isFinite(value) ? value : prng.pick([0, -0, 21.5, -273.15]);
}

function randomValue(prng: Prng): number {
  return prng.chance(0.5) ? prng.int(-40_000, 120_000) / 1000 : randomFinite(prng);
}

/** Opcodes a HELLO lists: strictly ascending app opcodes, none to 16 of them. */
function randomOpcodes(prng: Prng): number[] {
  const share = prng.pick([0, 0.01, 0.03, 0.1, 1]);
  const opcodes = APP_OPCODES.filter(() => prng.chance(share));
  if (opcodes.length <= OPCODES_MAX) return opcodes;
  const from = prng.int(0, opcodes.length - OPCODES_MAX);
  return opcodes.slice(from, from + OPCODES_MAX);
}

function randomOperation(prng: Prng): ProxyOperation {
  const address = prng.int(0, 0x7f);
  const data = () => prng.bytes(prng.chance(0.05) ? I2C_MAX_BYTES : prng.int(1, 16));
  switch (prng.int(1, 7)) {
    case 1:
      return { op: 'i2c-write', address, data: data() };
    case 2:
      return { op: 'i2c-read', address, readLength: prng.int(1, 255) };
    case 3:
      return { op: 'i2c-write-read', address, data: data(), readLength: prng.int(1, 255) };
    case 4:
      return { op: 'gpio-mode', pin: prng.int(0, 255), mode: prng.int(0, 3) };
    case 5:
      return { op: 'gpio-write', pin: prng.int(0, 255), level: prng.int(0, 1) };
    case 6:
      return { op: 'gpio-read', pin: prng.int(0, 255) };
    default:
      return { op: 'pwm-set', channel: prng.int(0, 255), dutyU16: prng.int(0, 0xffff) };
  }
}

function randomHello(prng: Prng, session: number): HelloMessage {
  const appState = prng.pick([0, 1] as const);
  return {
    type: 'hello',
    deviceId: randomId(prng),
    linkMinor: prng.chance(0.8) ? 0 : prng.int(0, 255),
    firmwareVersion: randomString(prng, VERSION_STR_MAX_BYTES),
    capabilities: prng.chance(0.8) ? prng.int(0, 7) : prng.int(0, 0xffff),
    board: randomId(prng),
    appName: randomId(prng),
    appVersion: randomString(prng, VERSION_STR_MAX_BYTES),
    appHash: prng.bytes(32),
    abiVersion: prng.chance(0.8) ? 0x0001_0001 : randomU32(prng),
    bootReason: prng.pick([0, 1, 2, 3, 4] as const),
    helloReason: prng.pick([0, 1, 2] as const),
    session,
    bootCount: randomU32(prng),
    uptimeMs: randomTime(prng),
    heartbeatPeriodMs: randomPeriod(prng),
    reportIntervalMs: randomReportInterval(prng),
    appState,
    // While the app backs off no instance runs: no metrics, no opcodes (§4.1).
    metricCount: appState === 1 ? 0 : prng.int(0, 255),
    opcodes: appState === 1 ? [] : randomOpcodes(prng),
  };
}

function randomMetric(prng: Prng): MetricMessage {
  const message: MetricMessage = {
    type: 'metric',
    id: prng.int(0, 255),
    name: randomString(prng, STR_MAX_BYTES),
    unit: randomString(prng, STR_MAX_BYTES),
    kind: prng.pick([0, 1, 2] as const),
  };
  if (prng.chance(0.3)) return message;
  const [min, max] = [randomValue(prng), randomValue(prng)].sort((a, b) => a - b);
  return { ...message, range: { min: min!, max: prng.chance(0.1) ? min! : max! } };
}

function randomHeartbeat(prng: Prng, session: number): HeartbeatMessage {
  const counter = () => (prng.chance(0.5) ? prng.int(0, 10) : randomU32(prng));
  const heartbeatPeriodMs = randomPeriod(prng);
  const appState = prng.pick([0, 1] as const);
  const lastFailureKind = appState === 1 ? prng.pick([1, 4]) : prng.pick([0, 1, 4]);
  // The LED is not set while the app backs off (§4.8); its period is given only while it blinks.
  const ledMode = appState === 1 ? 255 : prng.pick([0, 1, 3, 255]);
  return {
    type: 'heartbeat',
    // §7.2: the time it fell due, a multiple of the period.
    uptimeMs: prng.int(0, Math.floor(SAFE_TIME / heartbeatPeriodMs)) * heartbeatPeriodMs,
    session,
    heartbeatPeriodMs,
    bootCount: randomU32(prng),
    appState,
    restartAtMs: appState === 1 ? randomTime(prng) : 0,
    consecutiveFailures: prng.int(0, 0xffff),
    lastFailureKind,
    lastFailureCode: lastFailureKind === 0 ? 0 : randomEventCode(prng, lastFailureKind),
    rxFrames: counter(),
    rxDrops: Object.fromEntries(DROP_REASONS.map((reason) => [reason, counter()])) as Record<DropReason, number>,
    commandsDropped: counter(),
    ledMode,
    ledPeriodMs: ledMode === 3 ? prng.int(1, 0xffff) : 0,
    ledLevel: prng.pick([0, 1, 255]),
    brightnessU16: prng.int(0, 0xffff),
    reportIntervalMs: randomReportInterval(prng),
  };
}

/**
 * §4.6: an app status with 0..16 bytes, or a runner status with the payload its row gives it; QUEUE_FULL and
 * APP_NOT_RUNNING never cached.
 */
function randomCommandResult(prng: Prng): CommandResultMessage {
  const commandId = prng.int(0, 0xffff);
  if (prng.chance(0.5)) {
    const payload = prng.chance(0.8) ? new Uint8Array(0) : prng.bytes(prng.int(0, RESULT_MAX_BYTES));
    const cached = prng.chance(0.2);
    return { type: 'command-result', commandId, origin: 0, status: prng.int(0, 255), cached, payload };
  }
  const status = prng.int(0, 7);
  const cached = status !== 1 && status !== 2 && prng.chance(0.2);
  const payload = new Uint8Array(status === 2 ? 8 : status === 4 ? 4 : 0);
  const view = new DataView(payload.buffer);
  if (status === 2) {
    const restartAtMs = randomTime(prng);
    view.setUint32(0, restartAtMs % 0x1_0000_0000, true);
    view.setUint32(4, Math.floor(restartAtMs / 0x1_0000_0000), true);
  }
  if (status === 4) view.setInt32(0, prng.chance(0.5) ? prng.int(256, 0x7fff_ffff) : prng.int(-0x8000_0000, -1), true);
  return { type: 'command-result', commandId, origin: 1, status, cached, payload };
}

/**
 * A valid message of any type; DATA, the bulk of real traffic, half the time. A HELLO or HEARTBEAT carries
 * `session`, the sender's (§5.1), random when not given.
 */
export function randomMessage(prng: Prng, session = randomSession(prng)): LinkMessage {
  if (prng.chance(0.5)) {
    const count = prng.chance(0.05) ? DATA_MAX_VALUES : prng.int(1, 8);
    const values = Array.from({ length: count }, () => ({ id: prng.int(0, 255), value: randomValue(prng) }));
    return { type: 'data', timeMs: randomTime(prng), values };
  }
  switch (prng.int(1, 10)) {
    case 1:
      return randomHello(prng, session);
    case 2:
      return randomMetric(prng);
    case 3:
      return randomHeartbeat(prng, session);
    case 4:
      return {
        type: 'log',
        timeMs: randomTime(prng),
        level: prng.pick([0, 1, 2, 3] as const),
        text: randomString(prng, STR_MAX_BYTES),
      };
    case 5: {
      const kind = prng.pick([1, 2, 3, 4] as const);
      return {
        type: 'event',
        timeMs: randomTime(prng),
        kind,
        code: randomEventCode(prng, kind),
        message: randomString(prng, STR_MAX_BYTES),
        file: randomString(prng, STR_MAX_BYTES),
        line: prng.int(0, 0xffff_ffff),
        column: prng.int(0, 0xffff_ffff),
      };
    }
    case 6:
      return {
        type: 'command',
        commandId: prng.int(0, 0xffff),
        payload: prng.bytes(prng.int(1, COMMAND_MAX_BYTES)),
      };
    case 7:
      return randomCommandResult(prng);
    case 8:
      return {
        type: 'proxy-request',
        requestId: prng.int(0, 0xffff),
        timeUs: randomTime(prng),
        operation: randomOperation(prng),
      };
    default:
      return {
        type: 'proxy-response',
        requestId: prng.int(0, 0xffff),
        status: prng.int(0, HAL_STATUS_MAX),
        data: prng.bytes(prng.chance(0.05) ? I2C_MAX_BYTES : prng.int(0, 6)),
      };
  }
}

/** The body inside a wire frame (delimiter included). */
export function frameBody(frame: Uint8Array): Uint8Array {
  const body = new Uint8Array(frame.length);
  return body.subarray(0, cobsDecode(frame, 0, frame.length - 1, body));
}

/** Recomputes `body`'s CRC in place with zlib and returns its frame: it passes the CRC check whatever it says. */
export function sealBody(body: Uint8Array): Uint8Array {
  const crcAt = body.length - 4;
  new DataView(body.buffer, body.byteOffset).setUint32(crcAt, zlibCrc32(body.subarray(0, crcAt)), true);
  // Room for the longest encoding and the delimiter (a mutated body may be up to 4 bytes over the limit).
  const frame = new Uint8Array(cobsMaxEncodedBytes(body.length) + 1);
  const length = cobsEncode(body, 0, body.length, frame, 0);
  return frame.subarray(0, length + 1);
}

/** §3.1: version, type, session_tag, seq. */
const HEADER_BYTES = 6;

/** Every defined type, a few reserved ones and an undefined one (§3.4). */
const MUTATED_TYPES = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x10, 0x11, 0x20, 0x3f, 0x40, 0xf0, 0x7f];

/** A body with a valid CRC but a mutated header or payload: reaches the version, type and payload checks. */
export function mutateBody(prng: Prng, body: Uint8Array): Uint8Array {
  const payloadEnd = body.length - 4;
  switch (prng.int(0, 4)) {
    case 0: {
      const mutated = body.slice();
      const at = prng.int(0, payloadEnd - 1);
      mutated[at] = mutated[at]! ^ prng.int(1, 255);
      return mutated;
    }
    case 1: {
      const mutated = body.slice();
      mutated[1] = prng.pick(MUTATED_TYPES);
      // Another major version, for a HELLO the newer-peer read of §4.1.1.
      if (prng.chance(0.1)) mutated[0] = prng.pick([1, 3, 0xff]);
      return mutated;
    }
    case 2: {
      const cut = prng.int(HEADER_BYTES, payloadEnd);
      return Uint8Array.from([...body.subarray(0, cut), 0, 0, 0, 0]);
    }
    case 3:
      return Uint8Array.from([...body.subarray(0, payloadEnd), ...prng.bytes(prng.int(1, 4)), 0, 0, 0, 0]);
    default: {
      const mutated = body.slice();
      for (let i = HEADER_BYTES; i < payloadEnd; i++) if (prng.chance(0.1)) mutated[i] = prng.int(0, 255);
      return mutated;
    }
  }
}

/** A frame's content, without what the receiver's session tracking makes of it. */
export type FrameContent = Pick<DecodedFrame, 'sessionTag' | 'seq' | 'message'>;

export interface FuzzStream {
  wire: Uint8Array;
  /** The frames a correct decoder returns for the whole stream, in order. */
  expected: FrameContent[];
}

const FRAME_DELIMITER = 0;
/** §2: 1039 bytes is the longest encoded frame. */
const MAX_ENCODED_BYTES = 1039;
/** A sender restarts, with a new session and seq 0, about this often. */
const REBOOT_CHANCE = 0.001;

/**
 * `frameCount` frames: about 60 % intact, the rest corrupted on the wire (bit flips, replaced, inserted and
 * deleted bytes, truncation), re-sealed with a valid CRC after mutation, or mixed with noise and over-long
 * runs. The sender reboots now and then: a new session, numbered from 0. Ends with a delimiter so every segment
 * is complete.
 */
export function fuzzStream(prng: Prng, frameCount: number): FuzzStream {
  let encoder = new LinkEncoder({ session: randomSession(prng), firstSeq: prng.int(0, 0xffff) });
  const parts: Uint8Array[] = [];
  const expected: FrameContent[] = [];
  let afterDelimiter = true;
  const emit = (bytes: Uint8Array) => {
    if (bytes.length === 0) return;
    parts.push(bytes);
    afterDelimiter = bytes[bytes.length - 1] === FRAME_DELIMITER;
  };
  /** A complete frame preceded by a delimiter must decode to `decoded`. */
  const emitFrame = (frame: Uint8Array, decoded: FrameContent | undefined) => {
    if (afterDelimiter && decoded) expected.push(decoded);
    emit(frame);
  };

  for (let sent = 0; sent < frameCount; sent++) {
    if (prng.chance(REBOOT_CHANCE)) encoder = new LinkEncoder({ session: randomSession(prng) });
    const { sessionTag, nextSeq: seq } = encoder;
    const message = randomMessage(prng, encoder.session);
    const frame = encoder.encode(message);
    const roll = prng.next();
    if (roll < 0.6) {
      emitFrame(frame, { sessionTag, seq, message });
    } else if (roll < 0.7) {
      // Whether a re-sealed body is still valid is the payload decoders' call (fuzz.test.ts checks them).
      const body = mutateBody(prng, frameBody(frame));
      const sealed = sealBody(body);
      const result = decodeBody(body);
      if (result.ok) emitFrame(sealed, { sessionTag: result.sessionTag, seq: result.seq, message: result.message });
      else emitFrame(sealed, undefined);
    } else if (roll < 0.9) {
      emit(corrupt(prng, frame));
    } else {
      emit(noise(prng));
      if (prng.chance(0.5)) emit(Uint8Array.of(FRAME_DELIMITER));
      emitFrame(frame, { sessionTag, seq, message });
    }
  }
  emit(Uint8Array.of(FRAME_DELIMITER));
  return { wire: Buffer.concat(parts), expected };
}

/** A frame damaged on the wire: what survives is not a valid frame (the CRC catches it). */
function corrupt(prng: Prng, frame: Uint8Array): Uint8Array {
  const encodedEnd = frame.length - 1;
  const at = prng.int(0, encodedEnd - 1);
  switch (prng.int(0, 4)) {
    case 0: {
      const flipped = frame.slice();
      flipped[at] = flipped[at]! ^ (1 << prng.int(0, 7));
      return flipped;
    }
    case 1: {
      const replaced = frame.slice();
      replaced[at] = replaced[at]! ^ prng.int(1, 255);
      return replaced;
    }
    case 2: {
      // Not at 0: a 0x00 there would only be a leading flush in front of an intact frame.
      const insertAt = Math.max(at, 1);
      const inserted = new Uint8Array(frame.length + 1);
      inserted.set(frame.subarray(0, insertAt));
      inserted[insertAt] = prng.int(0, 255);
      inserted.set(frame.subarray(insertAt), insertAt + 1);
      return inserted;
    }
    case 3: {
      // Not at 0: a frame truncated to its first byte just before would put that byte back and make this one whole.
      const deleteAt = Math.max(at, 1);
      const deleted = new Uint8Array(frame.length - 1);
      deleted.set(frame.subarray(0, deleteAt));
      deleted.set(frame.subarray(deleteAt + 1), deleteAt);
      return deleted;
    }
    default:
      return frame.subarray(0, at);
  }
}

/** Line noise: random bytes, a few empty segments, or a run too long to be a frame. */
function noise(prng: Prng): Uint8Array {
  switch (prng.int(0, 2)) {
    case 0:
      return prng.bytes(prng.int(1, 64));
    case 1:
      return new Uint8Array(prng.int(1, 3));
    default:
      return prng.bytes(prng.int(MAX_ENCODED_BYTES + 1, 2 * MAX_ENCODED_BYTES), 1);
  }
}

/** Non-empty segments in `wire`: each ends in exactly one delivered frame or one drop. */
export function countSegments(wire: Uint8Array): number {
  let segments = 0;
  let start = 0;
  for (let at = wire.indexOf(FRAME_DELIMITER); at >= 0; at = wire.indexOf(FRAME_DELIMITER, at + 1)) {
    if (at > start) segments++;
    start = at + 1;
  }
  return segments;
}
