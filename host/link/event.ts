/** EVENT, type 0x04, device → edge (docs/link-protocol.md §4.7): a trap, fault, reboot or runaway app. */
import { type ByteReader, type ByteWriter, LinkFieldError } from './bytes.ts';
import { EventKind, type EventMessage, TrapCode } from './messages.ts';

const KIND_MIN = EventKind.Trap;
const KIND_MAX = EventKind.Runaway;
const TRAP_CODE_MIN = TrapCode.Abort;
const TRAP_CODE_MAX = TrapCode.Other;

export function encodeEvent(message: EventMessage, writer: ByteWriter): void {
  writer.u64(message.timeMs, 'time_ms');
  writer.u8Within(message.kind, 'kind', KIND_MIN, KIND_MAX);
  writer.u16(checkCode(message.kind, message.code), 'code');
  writer.str(message.message, 'message');
  writer.str(message.file, 'file');
  writer.u32(message.line, 'line');
  writer.u32(message.column, 'column');
}

export function decodeEvent(reader: ByteReader): EventMessage {
  const timeMs = reader.u64('time_ms');
  const kind = reader.u8Within('kind', KIND_MIN, KIND_MAX) as EventKind;
  const code = checkCode(kind, reader.u16('code'));
  const message = reader.str('message');
  const file = reader.str('file');
  const line = reader.u32('line');
  const column = reader.u32('column');
  return { type: 'event', timeMs, kind, code, message, file, line, column };
}

/** §4.7: a trap code outside the table is malformed; the other kinds' codes are carried as they are. */
function checkCode(kind: number, code: number): number {
  if (kind === EventKind.Trap && (code < TRAP_CODE_MIN || code > TRAP_CODE_MAX)) {
    throw new LinkFieldError('code', `${code} is not a trap code (${TRAP_CODE_MIN}..${TRAP_CODE_MAX})`);
  }
  return code;
}
