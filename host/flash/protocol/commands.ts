/** AN3155 §3 Table 2: the USART bootloader command codes. */
export const Command = {
  Get: 0x00,
  GetVersion: 0x01,
  GetId: 0x02,
  ReadMemory: 0x11,
  Go: 0x21,
  WriteMemory: 0x31,
  Erase: 0x43,
  ExtendedErase: 0x44,
  WriteProtect: 0x63,
  WriteUnprotect: 0x73,
  ReadoutProtect: 0x82,
  ReadoutUnprotect: 0x92,
} as const;

/** AN3155 §1: the byte that starts a session (the bootloader measures the baud rate on it). */
export const SYNC_BYTE = 0x7f;
/** AN3155 §3: acknowledge and not-acknowledge. */
export const ACK = 0x79;
export const NACK = 0x1f;

/** AN3155 §3.4, §3.6: at most 256 bytes per Read Memory or Write Memory. */
export const MAX_TRANSFER_BYTES = 256;
/** AN3155 §3.6: the bytes written must be a multiple of four (one 32-bit word). */
export const WRITE_ALIGNMENT_BYTES = 4;

/** AN3155 §3.7: Erase with N = 0xFF erases everything; otherwise N + 1 one-byte page numbers follow. */
export const ERASE_GLOBAL = 0xff;
export const ERASE_MAX_PAGES = 255;

/** AN3155 §3.8: Extended Erase special codes, sent in place of the page count. */
export const ExtendedEraseSpecial = {
  Mass: 0xffff,
  Bank1: 0xfffe,
  Bank2: 0xfffd,
} as const;
/** AN3155 §3.8: page counts from 0xFFF0 up are special codes, so one command erases at most 0xFFF0 pages. */
export const EXTENDED_ERASE_FIRST_SPECIAL = 0xfff0;
export const EXTENDED_ERASE_MAX_PAGES = EXTENDED_ERASE_FIRST_SPECIAL;

/** Human names for error messages. */
export function commandName(code: number): string {
  const entry = Object.entries(Command).find(([, value]) => value === code);
  return entry ? entry[0] : `0x${code.toString(16).padStart(2, '0')}`;
}
