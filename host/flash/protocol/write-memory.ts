import { Command, MAX_TRANSFER_BYTES, WRITE_ALIGNMENT_BYTES } from './commands.ts';
import { expectAck, sendCommand, wordFrame, xorChecksum } from './frames.ts';
import type { BootloaderPort } from '../port.ts';
import type { Timeouts } from './timeouts.ts';

/**
 * AN3155 §3.6 Write Memory: command, ACK, address + XOR, ACK, then N - 1, the N data bytes and the XOR of
 * N - 1 and the data, and a final ACK once the bytes are programmed. N is 4 to 256 and a multiple of 4.
 */
export async function writeMemory(port: BootloaderPort, address: number, data: Uint8Array, timeouts: Timeouts): Promise<void> {
  if (data.length < 1 || data.length > MAX_TRANSFER_BYTES || data.length % WRITE_ALIGNMENT_BYTES !== 0) {
    throw new RangeError(`Write Memory takes a multiple of ${WRITE_ALIGNMENT_BYTES} up to ${MAX_TRANSFER_BYTES} bytes, not ${data.length}`);
  }
  if (address % WRITE_ALIGNMENT_BYTES !== 0) {
    throw new RangeError(`Write Memory needs a ${WRITE_ALIGNMENT_BYTES}-byte aligned address, not 0x${address.toString(16)}`);
  }
  await sendCommand(port, Command.WriteMemory, timeouts.replyMs);
  await port.write(wordFrame(address));
  await expectAck(port, timeouts.replyMs, 'Write Memory address');
  const count = data.length - 1;
  const frame = new Uint8Array(data.length + 2);
  frame[0] = count;
  frame.set(data, 1);
  frame[frame.length - 1] = xorChecksum(data, count);
  await port.write(frame);
  await expectAck(port, timeouts.writeBlockMs, 'Write Memory data');
}
