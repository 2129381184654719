import { Command, MAX_TRANSFER_BYTES, WRITE_ALIGNMENT_BYTES, commandName } from './commands.ts';
import { commandFrame, expectAck, wordFrame, xorChecksum } from './frames.ts';
import type { BootloaderPort } from '../port.ts';
import type { Timeouts } from './timeouts.ts';

/** Where a block stands in a run of Write Memory commands. */
export interface WriteChain {
  /** This block's command already went out, on the ACK that ended the block before it. */
  commandSent: boolean;
  /** Send the next block's command on this block's final ACK. */
  sendNextCommand: boolean;
}

const SINGLE_BLOCK: WriteChain = { commandSent: false, sendNextCommand: false };

/**
 * AN3155 §3.6 Write Memory: command, ACK, address + XOR, ACK, then N - 1, the N data bytes and the XOR of
 * N - 1 and the data, and a final ACK once the bytes are programmed. N is 4 to 256 and a multiple of 4.
 * Each frame goes out as the ACK before it arrives; in a run of blocks (`chain`), so does the next command.
 */
export async function writeMemory(
  port: BootloaderPort,
  address: number,
  data: Uint8Array,
  timeouts: Timeouts,
  chain: WriteChain = SINGLE_BLOCK,
): Promise<void> {
  if (data.length < 1 || data.length > MAX_TRANSFER_BYTES || data.length % WRITE_ALIGNMENT_BYTES !== 0) {
    throw new RangeError(`Write Memory takes a multiple of ${WRITE_ALIGNMENT_BYTES} up to ${MAX_TRANSFER_BYTES} bytes, not ${data.length}`);
  }
  if (address % WRITE_ALIGNMENT_BYTES !== 0) {
    throw new RangeError(`Write Memory needs a ${WRITE_ALIGNMENT_BYTES}-byte aligned address, not 0x${address.toString(16)}`);
  }
  if (!chain.commandSent) await port.write(commandFrame(Command.WriteMemory));
  // Framed while the command is on the line.
  const count = data.length - 1;
  const frame = new Uint8Array(data.length + 2);
  frame[0] = count;
  frame.set(data, 1);
  frame[frame.length - 1] = xorChecksum(data, count);
  await expectAck(port, timeouts.replyMs, commandName(Command.WriteMemory), wordFrame(address));
  await expectAck(port, timeouts.replyMs, 'Write Memory address', frame);
  const nextCommand = chain.sendNextCommand ? commandFrame(Command.WriteMemory) : undefined;
  await expectAck(port, timeouts.writeBlockMs, 'Write Memory data', nextCommand);
}
