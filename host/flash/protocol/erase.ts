import { Command, ERASE_GLOBAL, ERASE_MAX_PAGES } from './commands.ts';
import { commandFrame, expectAck, sendCommand, xorChecksum } from './frames.ts';
import type { BootloaderPort } from '../port.ts';
import type { Timeouts } from './timeouts.ts';

/** AN3155 §3.7: page numbers are one byte. */
const MAX_PAGE_NUMBER = 0xff;

/** AN3155 §3.7 Erase (older bootloaders, one-byte page numbers): 0xFF and its complement erase everything. */
export async function eraseAll(port: BootloaderPort, timeouts: Timeouts): Promise<void> {
  await sendCommand(port, Command.Erase, timeouts.replyMs);
  await port.write(commandFrame(ERASE_GLOBAL));
  await expectAck(port, timeouts.massEraseMs, 'Erase (global)');
}

/** AN3155 §3.7 Erase: N (pages - 1), N + 1 page numbers, XOR of N and the page numbers. */
export async function erasePages(port: BootloaderPort, pages: number[], timeoutMs: number, timeouts: Timeouts): Promise<void> {
  if (pages.length < 1 || pages.length > ERASE_MAX_PAGES || pages.some((page) => page < 0 || page > MAX_PAGE_NUMBER)) {
    throw new RangeError(`Erase takes 1 to ${ERASE_MAX_PAGES} one-byte page numbers`);
  }
  await sendCommand(port, Command.Erase, timeouts.replyMs);
  const frame = Uint8Array.of(pages.length - 1, ...pages, 0);
  frame[frame.length - 1] = xorChecksum(frame.subarray(0, frame.length - 1));
  await port.write(frame);
  await expectAck(port, timeoutMs, `Erase of pages ${pages[0]}..${pages.at(-1)}`);
}
