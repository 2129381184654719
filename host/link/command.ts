/** COMMAND, type 0x05, edge → device (docs/link-protocol.md §4.5): bytes for the app's `command` export. */
import type { ByteReader, ByteWriter } from './bytes.ts';
import type { CommandMessage } from './messages.ts';

/** §4.5: at least the opcode (hal-abi.md §6), at most 64 bytes. */
const PAYLOAD_MIN_BYTES = 1;
const PAYLOAD_MAX_BYTES = 64;
/** command_id and the longest payload. */
export const COMMAND_MAX_PAYLOAD_BYTES = 2 + PAYLOAD_MAX_BYTES;

export function encodeCommand(message: CommandMessage, writer: ByteWriter): void {
  writer.u16(message.commandId, 'command_id');
  writer.rest(message.payload, 'payload', PAYLOAD_MIN_BYTES, PAYLOAD_MAX_BYTES);
}

export function decodeCommand(reader: ByteReader): CommandMessage {
  const commandId = reader.u16('command_id');
  const payload = reader.rest('payload', PAYLOAD_MIN_BYTES, PAYLOAD_MAX_BYTES);
  return { type: 'command', commandId, payload };
}
