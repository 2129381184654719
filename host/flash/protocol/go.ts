import { Command } from './commands.ts';
import { expectAck, sendCommand, wordFrame } from './frames.ts';
import type { BootloaderPort } from '../port.ts';
import type { Timeouts } from './timeouts.ts';

/**
 * AN3155 §3.5 Go: command, ACK, address + XOR, ACK. The bootloader then loads the stack pointer from the address
 * and jumps to the reset handler stored 4 bytes after it; it no longer answers.
 */
export async function go(port: BootloaderPort, address: number, timeouts: Timeouts): Promise<void> {
  await sendCommand(port, Command.Go, timeouts.replyMs);
  await port.write(wordFrame(address));
  await expectAck(port, timeouts.replyMs, 'Go address');
}
