import { Command, EXTENDED_ERASE_MAX_PAGES, ExtendedEraseSpecial } from './commands.ts';
import { BITS_PER_BYTE, BYTE_MASK, expectAck, sendCommand, xorChecksum } from './frames.ts';
import type { BootloaderPort } from '../port.ts';
import type { Timeouts } from './timeouts.ts';

const MAX_PAGE_NUMBER = 0xffff;

function halfWords(values: number[]): number[] {
  return values.flatMap((value) => [(value >>> BITS_PER_BYTE) & BYTE_MASK, value & BYTE_MASK]);
}

/** AN3155 §3.8: a special erase is the two-byte code and its checksum (mass 0xFFFF, bank 1 0xFFFE, bank 2 0xFFFD). */
export async function extendedEraseSpecial(
  port: BootloaderPort,
  code: (typeof ExtendedEraseSpecial)[keyof typeof ExtendedEraseSpecial],
  timeoutMs: number,
  timeouts: Timeouts,
): Promise<void> {
  await sendCommand(port, Command.ExtendedErase, timeouts.replyMs);
  const frame = halfWords([code]);
  await port.write(Uint8Array.of(...frame, xorChecksum(frame)));
  await expectAck(port, timeoutMs, `Extended Erase 0x${code.toString(16)}`);
}

/**
 * AN3155 §3.8 Extended Erase of pages (or sectors): N (pages - 1) on two bytes, the N + 1 page numbers on two
 * bytes each, most significant first, then the XOR of all of them.
 */
export async function extendedErasePages(port: BootloaderPort, pages: number[], timeoutMs: number, timeouts: Timeouts): Promise<void> {
  if (pages.length < 1 || pages.length > EXTENDED_ERASE_MAX_PAGES || pages.some((page) => page < 0 || page > MAX_PAGE_NUMBER)) {
    throw new RangeError(`Extended Erase takes 1 to ${EXTENDED_ERASE_MAX_PAGES} two-byte page numbers`);
  }
  await sendCommand(port, Command.ExtendedErase, timeouts.replyMs);
  const frame = halfWords([pages.length - 1, ...pages]);
  await port.write(Uint8Array.of(...frame, xorChecksum(frame)));
  await expectAck(port, timeoutMs, `Extended Erase of pages ${pages[0]}..${pages.at(-1)}`);
}
