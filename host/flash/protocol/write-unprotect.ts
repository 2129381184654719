import { Command } from './commands.ts';
import { expectAck, sendCommand } from './frames.ts';
import type { BootloaderPort } from '../port.ts';
import type { Timeouts } from './timeouts.ts';

/**
 * AN3155 §3.10 Write Unprotect: ACK, then a second ACK once write protection of every sector is removed. The
 * bootloader then resets the chip, so the host must synchronise again.
 */
export async function writeUnprotect(port: BootloaderPort, timeouts: Timeouts): Promise<void> {
  await sendCommand(port, Command.WriteUnprotect, timeouts.replyMs);
  await expectAck(port, timeouts.replyMs, 'Write Unprotect');
}
