/**
 * HELLO, type 0x01, device → edge (docs/link-protocol.md §4.1): who the device is, why it (re)started and what
 * it will report. Also the stable prefix a newer major version keeps (§4.1.1).
 */
import { type ByteReader, type ByteWriter, LinkFieldError } from './bytes.ts';
import { hex8 } from './message-types.ts';
import { AppState, BootReason, type HelloMessage, HelloReason } from './messages.ts';

/** A SHA-256 digest (FIPS 180-4 §1). */
const APP_HASH_BYTES = 32;
/** §4.1: firmware_version and app_version. */
const VERSION_STR_MAX_BYTES = 32;
/** §5.1: a sender never draws session 0, so 0 can stand for "unknown"; receivers carry whatever arrives. */
export const SESSION_MIN = 1;
export const SESSION_MAX = 0xffff_ffff;
/** §4.1, §4.8: `heartbeat_period_ms`. */
export const HEARTBEAT_PERIOD_MIN_MS = 1000;
export const HEARTBEAT_PERIOD_MAX_MS = 3_600_000;
/** §4.1, §4.8: `report_interval_ms` is 1..3_600_000, or 0 when the app has not said. */
export const REPORT_INTERVAL_MAX_MS = 3_600_000;
/** §4.1 (hal-abi.md §4.7): an app declares at most 16 opcodes. */
const OPCODE_COUNT_MAX = 16;
/** §4.1: opcode 0x00 and the runner's own (§4.5.1) are never listed. */
const NO_OPCODE = 0x00;
const RUNNER_OPCODE_MIN = 0x70;
const RUNNER_OPCODE_MAX = 0x7f;

/** §4.1.1: what a version-2 receiver reads from the HELLO of a device that speaks a later major version. */
export interface NewerPeer {
  /** The frame's major version. */
  linkVersion: number;
  deviceId: string;
  linkMinor: number;
  firmwareVersion: string;
}

export function encodeHello(message: HelloMessage, writer: ByteWriter): void {
  writer.id(message.deviceId, 'device_id');
  writer.u8(message.linkMinor, 'link_minor');
  writer.str(message.firmwareVersion, 'firmware_version', VERSION_STR_MAX_BYTES);
  writer.u16(message.capabilities, 'capabilities');
  writer.id(message.board, 'board');
  writer.id(message.appName, 'app_name');
  writer.str(message.appVersion, 'app_version', VERSION_STR_MAX_BYTES);
  if (message.appHash.length !== APP_HASH_BYTES) {
    throw new LinkFieldError('app_hash', `${message.appHash.length} bytes, must be ${APP_HASH_BYTES}`);
  }
  writer.bytesExact(message.appHash, 'app_hash');
  writer.u32(message.abiVersion, 'abi_version');
  writer.u8Within(message.bootReason, 'boot_reason', BootReason.PowerOn, BootReason.Fault);
  writer.u8Within(message.helloReason, 'hello_reason', HelloReason.Boot, HelloReason.Requested);
  writer.u32(message.session, 'session');
  writer.u32(message.bootCount, 'boot_count');
  writer.u64(message.uptimeMs, 'uptime_ms');
  writer.u32Within(message.heartbeatPeriodMs, 'heartbeat_period_ms', HEARTBEAT_PERIOD_MIN_MS, HEARTBEAT_PERIOD_MAX_MS);
  writer.u32Within(message.reportIntervalMs, 'report_interval_ms', 0, REPORT_INTERVAL_MAX_MS);
  writer.u8Within(message.appState, 'app_state', AppState.Running, AppState.BackingOff);
  writer.u8(message.metricCount, 'metric_count');
  writer.u8Within(message.opcodes.length, 'opcode_count', 0, OPCODE_COUNT_MAX);
  message.opcodes.forEach((opcode, index) => {
    writer.u8(opcode, `opcodes[${index}]`);
    checkOpcode(message.opcodes, index);
  });
}

export function decodeHello(reader: ByteReader): HelloMessage {
  const { deviceId, linkMinor, firmwareVersion } = decodeStablePrefix(reader);
  const capabilities = reader.u16('capabilities');
  const board = reader.id('board');
  const appName = reader.id('app_name');
  const appVersion = reader.str('app_version', VERSION_STR_MAX_BYTES);
  const appHash = reader.bytesExact('app_hash', APP_HASH_BYTES);
  const abiVersion = reader.u32('abi_version');
  const bootReason = reader.u8Within('boot_reason', BootReason.PowerOn, BootReason.Fault) as BootReason;
  const helloReason = reader.u8Within('hello_reason', HelloReason.Boot, HelloReason.Requested) as HelloReason;
  const session = reader.u32('session');
  const bootCount = reader.u32('boot_count');
  const uptimeMs = reader.u64('uptime_ms');
  const heartbeatPeriodMs = reader.u32Within('heartbeat_period_ms', HEARTBEAT_PERIOD_MIN_MS, HEARTBEAT_PERIOD_MAX_MS);
  const reportIntervalMs = reader.u32Within('report_interval_ms', 0, REPORT_INTERVAL_MAX_MS);
  const appState = reader.u8Within('app_state', AppState.Running, AppState.BackingOff) as AppState;
  const metricCount = reader.u8('metric_count');
  // §6: a count is checked when it is read; a payload that ends early names the opcode being read, one with
  // bytes left over names `payload` (codec.ts).
  const opcodeCount = reader.u8Within('opcode_count', 0, OPCODE_COUNT_MAX);
  const opcodes: number[] = [];
  for (let index = 0; index < opcodeCount; index++) {
    opcodes.push(reader.u8(`opcodes[${index}]`));
    checkOpcode(opcodes, index);
  }
  return {
    type: 'hello',
    deviceId,
    linkMinor,
    firmwareVersion,
    capabilities,
    board,
    appName,
    appVersion,
    appHash,
    abiVersion,
    bootReason,
    helloReason,
    session,
    bootCount,
    uptimeMs,
    heartbeatPeriodMs,
    reportIntervalMs,
    appState,
    metricCount,
    opcodes,
  };
}

/**
 * §4.1.1: the first three fields of a HELLO of major version `linkVersion`, read by the rules of this version,
 * or undefined when the payload does not hold them. Throws nothing.
 */
export function decodeNewerPeer(linkVersion: number, reader: ByteReader): NewerPeer | undefined {
  try {
    return { linkVersion, ...decodeStablePrefix(reader) };
  } catch (error) {
    if (error instanceof LinkFieldError) return undefined;
    throw error;
  }
}

/** §4.1.1: the fields every major version keeps first, in this order. */
function decodeStablePrefix(reader: ByteReader): Omit<NewerPeer, 'linkVersion'> {
  const deviceId = reader.id('device_id');
  const linkMinor = reader.u8('link_minor');
  const firmwareVersion = reader.str('firmware_version', VERSION_STR_MAX_BYTES);
  return { deviceId, linkMinor, firmwareVersion };
}

/** §4.1: `opcodes[index]` is an app's opcode (not 0x00, not the runner's 0x70..0x7F) above the one before it. */
function checkOpcode(opcodes: readonly number[], index: number): void {
  const opcode = opcodes[index]!;
  const field = `opcodes[${index}]`;
  if (opcode === NO_OPCODE) throw new LinkFieldError(field, '0x00 is not an opcode');
  if (opcode >= RUNNER_OPCODE_MIN && opcode <= RUNNER_OPCODE_MAX) {
    throw new LinkFieldError(field, `${hex8(opcode)} is the runner's (0x70..0x7f), never the app's`);
  }
  if (index > 0 && opcode <= opcodes[index - 1]!) {
    throw new LinkFieldError(
      field,
      `${hex8(opcode)} does not follow ${hex8(opcodes[index - 1]!)}; opcodes are strictly ascending`,
    );
  }
}
