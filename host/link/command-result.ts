/**
 * COMMAND_RESULT, type 0x06, device → edge (docs/link-protocol.md §4.6): the one answer to a COMMAND, from the
 * app or from the runner, and whether it is the stored answer to a repeat.
 */
import { ByteReader, type ByteWriter, LinkFieldError } from './bytes.ts';
import { type CommandResultMessage, ResultOrigin, RunnerStatus } from './messages.ts';

/** §4.6: an app's result carries 0..16 bytes. */
const APP_PAYLOAD_MAX_BYTES = 16;
/** `flags` bit 0; any other bit set is malformed. */
const FLAG_CACHED = 0x01;
/** §4.6: the payload each runner status carries: `restart_at_ms` u64, the app's `status` i32, or nothing. */
const RUNNER_PAYLOAD_BYTES: Record<RunnerStatus, number> = {
  [RunnerStatus.Ok]: 0,
  [RunnerStatus.QueueFull]: 0,
  [RunnerStatus.AppNotRunning]: 8,
  [RunnerStatus.AppTrapped]: 0,
  [RunnerStatus.StatusOutOfRange]: 4,
  [RunnerStatus.Unsupported]: 0,
  [RunnerStatus.BadArgument]: 0,
  [RunnerStatus.NoCommandBuffer]: 0,
};
const RUNNER_STATUS_MAX = RunnerStatus.NoCommandBuffer;
/** §4.6: the runner statuses of commands that did not run, which are never stored and so never `cached`. */
const NEVER_CACHED: readonly number[] = [RunnerStatus.QueueFull, RunnerStatus.AppNotRunning];
/** §4.6: what STATUS_OUT_OF_RANGE carries is a status the app returned outside 0..255. */
const APP_STATUS_MIN = 0;
const APP_STATUS_MAX = 0xff;

const restartAtReader = new ByteReader();

export function encodeCommandResult(message: CommandResultMessage, writer: ByteWriter): void {
  writer.u16(message.commandId, 'command_id');
  writer.u8Within(message.origin, 'origin', ResultOrigin.App, ResultOrigin.Runner);
  if (message.origin === ResultOrigin.Runner) writer.u8Within(message.status, 'status', 0, RUNNER_STATUS_MAX);
  else writer.u8(message.status, 'status');
  if (typeof message.cached !== 'boolean') throw new LinkFieldError('flags', `cached is ${String(message.cached)}`);
  const flags = message.cached ? FLAG_CACHED : 0;
  checkFlags(message.origin, message.status, flags);
  writer.u8(flags, 'flags');
  if (!(message.payload instanceof Uint8Array)) throw new LinkFieldError('payload', 'is not a Uint8Array');
  checkPayload(message.origin, message.status, message.payload);
  writer.bytesExact(message.payload, 'payload');
}

export function decodeCommandResult(reader: ByteReader): CommandResultMessage {
  const commandId = reader.u16('command_id');
  const origin = reader.u8Within('origin', ResultOrigin.App, ResultOrigin.Runner) as ResultOrigin;
  const status = origin === ResultOrigin.Runner ? reader.u8Within('status', 0, RUNNER_STATUS_MAX) : reader.u8('status');
  const flags = checkFlags(origin, status, reader.u8('flags'));
  const payload = reader.bytesExact('payload', reader.remaining);
  checkPayload(origin, status, payload);
  return { type: 'command-result', commandId, origin, status, cached: flags === FLAG_CACHED, payload };
}

/** §4.6: `flags` holds only `cached`, and QUEUE_FULL and APP_NOT_RUNNING are never cached. */
function checkFlags(origin: number, status: number, flags: number): number {
  if ((flags & ~FLAG_CACHED) !== 0) {
    throw new LinkFieldError('flags', `0x${flags.toString(16).padStart(2, '0')} sets bits other than cached`);
  }
  if (flags === FLAG_CACHED && origin === ResultOrigin.Runner && NEVER_CACHED.includes(status)) {
    throw new LinkFieldError('flags', `cached on runner status ${status}, which is never stored`);
  }
  return flags;
}

/**
 * §4.6: an app's result carries 0..16 bytes; a runner status exactly what its row gives it: APP_NOT_RUNNING a
 * `restart_at_ms` a JavaScript number holds, STATUS_OUT_OF_RANGE an i32 `status` outside 0..255.
 */
function checkPayload(origin: number, status: number, payload: Uint8Array): void {
  if (origin !== ResultOrigin.Runner) {
    if (payload.length > APP_PAYLOAD_MAX_BYTES) {
      throw new LinkFieldError('payload', `${payload.length} byte(s), must be 0..${APP_PAYLOAD_MAX_BYTES}`);
    }
    return;
  }
  const expected = RUNNER_PAYLOAD_BYTES[status as RunnerStatus];
  if (payload.length !== expected) {
    throw new LinkFieldError('payload', `${payload.length} byte(s), runner status ${status} carries ${expected}`);
  }
  if (status === RunnerStatus.AppNotRunning) restartAtReader.reset(payload).u64('restart_at_ms');
  if (status === RunnerStatus.StatusOutOfRange) {
    const appStatus = new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getInt32(0, true);
    if (appStatus >= APP_STATUS_MIN && appStatus <= APP_STATUS_MAX) {
      throw new LinkFieldError('status', `${appStatus} is inside ${APP_STATUS_MIN}..${APP_STATUS_MAX}, not outside it`);
    }
  }
}
