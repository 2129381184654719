/** COMMAND_RESULT, type 0x06, device → edge (docs/link-protocol.md §4.6): what the app's `command` returned. */
import type { ByteReader, ByteWriter } from './bytes.ts';
import type { CommandResultMessage } from './messages.ts';

export function encodeCommandResult(message: CommandResultMessage, writer: ByteWriter): void {
  writer.u16(message.commandId, 'command_id');
  writer.u8(message.status, 'status');
}

export function decodeCommandResult(reader: ByteReader): CommandResultMessage {
  const commandId = reader.u16('command_id');
  const status = reader.u8('status');
  return { type: 'command-result', commandId, status };
}
