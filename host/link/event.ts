/** EVENT, type 0x04, device → edge (docs/link-protocol.md §4.7): a trap, fault, reboot or runaway app. */
import { type ByteReader, type ByteWriter, LinkFieldError } from './bytes.ts';
import { EventKind, type EventMessage, FaultCode, RunawayCode, TrapCode } from './messages.ts';

const KIND_MIN = EventKind.Trap;
const KIND_MAX = EventKind.Runaway;
/** §4.7: each kind's codes, as an inclusive range. */
const EVENT_CODES: Record<EventKind, { min: number; max: number }> = {
  [EventKind.Trap]: { min: TrapCode.Abort, max: TrapCode.Other },
  [EventKind.Fault]: { min: FaultCode.HardFault, max: FaultCode.UsageFault },
  [EventKind.Reboot]: { min: 0, max: 0 },
  [EventKind.Runaway]: { min: RunawayCode.Overrun, max: RunawayCode.Watchdog },
};

export function encodeEvent(message: EventMessage, writer: ByteWriter): void {
  writer.u64(message.timeMs, 'time_ms');
  writer.u8Within(message.kind, 'kind', KIND_MIN, KIND_MAX);
  writer.u16(message.code, 'code');
  checkEventCode(message.kind, message.code, 'code');
  writer.str(message.message, 'message');
  writer.str(message.file, 'file');
  writer.u32(message.line, 'line');
  writer.u32(message.column, 'column');
}

export function decodeEvent(reader: ByteReader): EventMessage {
  const timeMs = reader.u64('time_ms');
  const kind = reader.u8Within('kind', KIND_MIN, KIND_MAX) as EventKind;
  const code = checkEventCode(kind, reader.u16('code'), 'code');
  const message = reader.str('message');
  const file = reader.str('file');
  const line = reader.u32('line');
  const column = reader.u32('column');
  return { type: 'event', timeMs, kind, code, message, file, line, column };
}

/**
 * §4.7: a code outside its kind's list (trap 1..7, fault 1..4, reboot 0, runaway 1..2) is malformed; `field` is
 * where the code sits (EVENT `code`, HEARTBEAT `last_failure_code`). `kind` must be a valid EventKind.
 */
export function checkEventCode(kind: EventKind, code: number, field: string): number {
  const { min, max } = EVENT_CODES[kind];
  if (code < min || code > max) {
    throw new LinkFieldError(field, `${code} is not a code of event kind ${kind} (${min}..${max})`);
  }
  return code;
}
