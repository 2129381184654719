/** LOG, type 0x03, device → edge (docs/link-protocol.md §4.4): one line the app logged (hal-abi.md §4.5). */
import type { ByteReader, ByteWriter } from './bytes.ts';
import { LogLevel, type LogMessage } from './messages.ts';

const LEVEL_MIN = LogLevel.Error;
const LEVEL_MAX = LogLevel.Debug;

export function encodeLog(message: LogMessage, writer: ByteWriter): void {
  writer.u64(message.timeMs, 'time_ms');
  writer.u8Within(message.level, 'level', LEVEL_MIN, LEVEL_MAX);
  writer.str(message.text, 'text');
}

export function decodeLog(reader: ByteReader): LogMessage {
  const timeMs = reader.u64('time_ms');
  const level = reader.u8Within('level', LEVEL_MIN, LEVEL_MAX) as LogLevel;
  const text = reader.str('text');
  return { type: 'log', timeMs, level, text };
}
