/** docs/mqtt.md §5.3: the answers to a command, from the device's COMMAND_RESULT or from the edge itself. */
import { ResultOrigin, RunnerStatus, type CommandResultMessage } from '../../link/messages.ts';
import type { CommandAnswer } from './messages.ts';

/** docs/hal-abi.md §3 status names; an app's own codes beyond them are `APP_<n>` (docs/mqtt.md §5.3). */
const HAL_STATUS_NAMES = ['OK', 'NACK_ADDRESS', 'NACK_DATA', 'BUS_ERROR', 'TIMEOUT', 'BAD_ARGUMENT', 'UNSUPPORTED'];
/** docs/link-protocol.md §4.6 runner statuses, by number. */
const RUNNER_STATUS_NAMES = [
  'OK',
  'QUEUE_FULL',
  'APP_NOT_RUNNING',
  'APP_TRAPPED',
  'STATUS_OUT_OF_RANGE',
  'UNSUPPORTED',
  'BAD_ARGUMENT',
  'NO_COMMAND_BUFFER',
];

/** Who asked: the device and command, and the requester's `id` when it gave one. */
export interface CommandTarget {
  device: string;
  command: string;
  id?: string;
}

type EdgeError = Extract<CommandAnswer, { result: 'error' }>['error'];

function target({ device, command, id }: CommandTarget): CommandTarget {
  return id === undefined ? { device, command } : { device, command, id };
}

export function refusal(request: CommandTarget, error: EdgeError, detail: string): CommandAnswer {
  return { ...target(request), result: 'error', origin: 'edge', error, detail };
}

export function timeoutAnswer(request: CommandTarget, timeoutMs: number): CommandAnswer {
  return { ...target(request), result: 'timeout', origin: 'edge', detail: `no answer in ${timeoutMs} ms` };
}

export function interruptedAnswer(request: CommandTarget, oldSession: number, newSession: number): CommandAnswer {
  return { ...target(request), result: 'interrupted', origin: 'edge', oldSession, newSession };
}

/** `restartAtWall` turns APP_NOT_RUNNING's `restart_at_ms` (device clock) into wall time (docs/mqtt.md §1). */
export function deviceAnswer(
  request: CommandTarget,
  result: CommandResultMessage,
  rttMs: number,
  restartAtWall: (uptimeMs: number) => string,
): CommandAnswer {
  const runner = result.origin === ResultOrigin.Runner;
  const status = runner
    ? (RUNNER_STATUS_NAMES[result.status] ?? `RUNNER_${result.status}`)
    : (HAL_STATUS_NAMES[result.status] ?? `APP_${result.status}`);
  const payload = result.payload;
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  return {
    ...target(request),
    result: result.status === 0 ? 'ok' : 'nack',
    origin: runner ? 'runner' : 'app',
    status,
    statusCode: result.status,
    cached: result.cached,
    rttMs: Math.round(rttMs),
    ...(!runner && payload.length > 0 ? { payload: Buffer.from(payload).toString('hex') } : {}),
    ...(runner && result.status === RunnerStatus.AppNotRunning
      ? { restartAt: restartAtWall(Number(view.getBigUint64(0, true))) }
      : {}),
    ...(runner && result.status === RunnerStatus.StatusOutOfRange ? { appStatus: view.getInt32(0, true) } : {}),
  };
}
