import { Command, MAX_TRANSFER_BYTES, commandName } from './commands.ts';
import { commandFrame, expectAck, readReply, wordFrame } from './frames.ts';
import type { BootloaderPort } from '../port.ts';
import type { Timeouts } from './timeouts.ts';

/**
 * AN3155 §3.4 Read Memory: command, ACK, address + XOR, ACK, (N - 1) and its complement, ACK, N bytes.
 * The bootloader NACKs the command while readout protection is active.
 */
export async function readMemory(port: BootloaderPort, address: number, length: number, timeouts: Timeouts): Promise<Uint8Array> {
  if (!Number.isInteger(length) || length < 1 || length > MAX_TRANSFER_BYTES) {
    throw new RangeError(`Read Memory takes 1 to ${MAX_TRANSFER_BYTES} bytes, not ${length}`);
  }
  await port.write(commandFrame(Command.ReadMemory));
  await expectAck(port, timeouts.replyMs, commandName(Command.ReadMemory), wordFrame(address));
  await expectAck(port, timeouts.replyMs, 'Read Memory address', commandFrame(length - 1));
  await expectAck(port, timeouts.replyMs, 'Read Memory length');
  return readReply(port, length, timeouts.replyMs, 'Read Memory data');
}
