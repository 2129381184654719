/**
 * COMMAND_RESULT, type 0x06, device → edge (docs/link-protocol.md §4.6): the one answer to a COMMAND, from the
 * app or from the runner, and whether it is the stored answer to a repeat.
 */
import { ByteReader, type ByteWriter, LinkFieldError } from './bytes.ts';
import { type CommandResultMessage, ResultOrigin, RunnerStatus } from './messages.ts';

const PAYLOAD_MAX_BYTES = 16;
/** `flags` bit 0; the other bits are 0. */
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

const restartAtReader = new ByteReader();

export function encodeCommandResult(message: CommandResultMessage, writer: ByteWriter): void {
  writer.u16(message.commandId, 'command_id');
  writer.u8Within(message.origin, 'origin', ResultOrigin.App, ResultOrigin.Runner);
  if (message.origin === ResultOrigin.Runner) writer.u8Within(message.status, 'status', 0, RUNNER_STATUS_MAX);
  else writer.u8(message.status, 'status');
  if (typeof message.cached !== 'boolean') throw new LinkFieldError('flags', `cached is ${String(message.cached)}`);
  writer.u8(message.cached ? FLAG_CACHED : 0, 'flags');
  checkPayload(message.origin, message.status, message.payload);
  writer.rest(message.payload, 'payload', 0, PAYLOAD_MAX_BYTES);
}

export function decodeCommandResult(reader: ByteReader): CommandResultMessage {
  const commandId = reader.u16('command_id');
  const origin = reader.u8Within('origin', ResultOrigin.App, ResultOrigin.Runner) as ResultOrigin;
  const status = origin === ResultOrigin.Runner ? reader.u8Within('status', 0, RUNNER_STATUS_MAX) : reader.u8('status');
  const flags = reader.u8('flags');
  if ((flags & ~FLAG_CACHED) !== 0) throw new LinkFieldError('flags', `0x${flags.toString(16)} sets unknown bits`);
  const payload = reader.rest('payload', 0, PAYLOAD_MAX_BYTES);
  checkPayload(origin, status, payload);
  return { type: 'command-result', commandId, origin, status, cached: flags === FLAG_CACHED, payload };
}

/** An app's result carries 0..16 bytes; a runner status exactly what the table gives it. */
function checkPayload(origin: number, status: number, payload: Uint8Array): void {
  if (origin !== ResultOrigin.Runner) return;
  const expected = RUNNER_PAYLOAD_BYTES[status as RunnerStatus];
  if (payload.length !== expected) {
    throw new LinkFieldError('payload', `${payload.length} byte(s), runner status ${status} carries ${expected}`);
  }
  if (status === RunnerStatus.AppNotRunning) restartAtReader.reset(payload).u64('restart_at_ms');
}
