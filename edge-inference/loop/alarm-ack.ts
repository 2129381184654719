import { z } from 'zod';
import type { AlarmBook } from './alarm-book.ts';

/**
 * `wasmote/<edge>/$edge/cmd/alarm-ack` (docs/mqtt.md §9.3): `{"alarm":"<id>","by":"<who>","id":"<request id>"}`,
 * answered on `wasmote/<edge>/$edge/result` in the shape of a device command's answer (§5.3).
 */
export const ALARM_ACK_COMMAND = 'alarm-ack';
/** §5.3's `device` field for commands the edge itself answers: `$edge`, as in its topics. */
export const EDGE_PSEUDO_DEVICE = '$edge';

const requestSchema = z
  .object({
    alarm: z.string().min(1),
    by: z.string().min(1).max(128),
    id: z.string().optional(),
  })
  .strict();

type AlarmAckRequest = z.output<typeof requestSchema>;

/** docs/mqtt.md §9.3: why an acknowledgement was refused. */
type AlarmAckError = 'malformed' | 'bad-argument' | 'unknown-alarm' | 'already-cleared' | 'retained';

export type AlarmAckAnswer = {
  device: typeof EDGE_PSEUDO_DEVICE;
  command: typeof ALARM_ACK_COMMAND;
  id?: string;
  origin: 'edge';
} & (
  | { result: 'ok'; alarm: string; state: 'acknowledged'; revision: number; acknowledgedBy: string; acknowledgedAt: string }
  | { result: 'error'; error: AlarmAckError; detail: string }
);

type ParsedAlarmAck = { ok: true; request: AlarmAckRequest } | { ok: false; answer: AlarmAckAnswer };

/** Reads the MQTT payload: a JSON object (§5.1's rule, else `malformed`) with the fields above (else `bad-argument`). */
function parseAlarmAck(payload: Uint8Array | string): ParsedAlarmAck {
  const text = typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8');
  let json: unknown;
  try {
    json = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    return { ok: false, answer: errorAnswer(undefined, 'malformed', 'not JSON') };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, answer: errorAnswer(undefined, 'malformed', 'not a JSON object') };
  const requestId = typeof (json as { id?: unknown }).id === 'string' ? (json as { id: string }).id : undefined;
  const result = requestSchema.safeParse(json);
  if (!result.success) {
    const detail = result.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`).join('; ');
    return { ok: false, answer: errorAnswer(requestId, 'bad-argument', detail) };
  }
  return { ok: true, request: result.data };
}

function errorAnswer(requestId: string | undefined, error: AlarmAckError, detail: string): AlarmAckAnswer {
  return { device: EDGE_PSEUDO_DEVICE, command: ALARM_ACK_COMMAND, ...(requestId === undefined ? {} : { id: requestId }), result: 'error', origin: 'edge', error, detail };
}

/** The answer to one `alarm-ack` message; `retained` refuses it as §5.1 refuses a retained command. */
export function answerAlarmAck(book: AlarmBook, payload: Uint8Array | string, retained: boolean): AlarmAckAnswer {
  const parsed = parseAlarmAck(payload);
  if (!parsed.ok) return parsed.answer;
  const { alarm: alarmId, by, id } = parsed.request;
  if (retained) return errorAnswer(id, 'retained', 'a retained command is never run');
  const outcome = book.acknowledge(alarmId, by);
  if (!outcome.ok) return errorAnswer(id, outcome.error, outcome.detail);
  return {
    device: EDGE_PSEUDO_DEVICE,
    command: ALARM_ACK_COMMAND,
    ...(id === undefined ? {} : { id }),
    result: 'ok',
    origin: 'edge',
    alarm: alarmId,
    state: 'acknowledged',
    revision: outcome.alarm.revision,
    acknowledgedBy: outcome.alarm.acknowledgedBy!,
    acknowledgedAt: outcome.alarm.acknowledgedAt!,
  };
}
