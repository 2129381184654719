import { Command } from './commands.ts';
import { expectAck, sendCommand } from './frames.ts';
import type { BootloaderPort } from '../port.ts';
import type { Timeouts } from './timeouts.ts';

/**
 * AN3155 §3.12 Readout Unprotect: ACK, then a second ACK after the whole flash is mass erased and readout
 * protection is removed. The bootloader then resets the chip, so the host must synchronise again.
 */
export async function readoutUnprotect(port: BootloaderPort, timeouts: Timeouts): Promise<void> {
  await sendCommand(port, Command.ReadoutUnprotect, timeouts.replyMs);
  await expectAck(port, timeouts.massEraseMs, 'Readout Unprotect');
}
