/**
 * The two rules for app text that every runner applies identically (docs/link-protocol.md §7.3, docs/hal-abi.md
 * §4.5 and §7); firmware/hal/text.c is the firmware's copy:
 *
 * - log text: each maximal ill-formed subsequence becomes U+FFFD (Unicode 15 §3.9, "U+FFFD Substitution of
 *   Maximal Subparts"), then the text is cut to at most 255 bytes at a character boundary;
 * - a trap's message and file: cut to at most 96 bytes at a character boundary.
 */

/** docs/link-protocol.md §7.3: the most bytes of one log text after repair. */
export const LOG_TEXT_MAX_BYTES = 255;
/** docs/hal-abi.md §7: the most bytes of a trap's message and of its file. */
export const TRAP_TEXT_MAX_BYTES = 96;

/**
 * The WHATWG UTF-8 decoder (Encoding Standard §4.1.1) in replacement mode emits one U+FFFD per maximal subpart,
 * as Unicode §3.9 recommends. `ignoreBOM` keeps a leading U+FEFF: it is a valid character, and the default
 * (stripping it) would be a change the rule does not make.
 */
const utf8Decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/** 0b10xx_xxxx: a byte that continues a character rather than starting one. */
function isContinuationByte(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}

/** `bytes` as text, each maximal ill-formed subsequence replaced by U+FFFD. */
export function repairUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** The longest prefix of `text` whose UTF-8 form has at most `maxBytes` bytes and ends on a character boundary. */
export function cutUtf8(text: string, maxBytes: number): string {
  // Each UTF-16 unit is at most 3 UTF-8 bytes, so a short text needs no encoding to know it fits.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = utf8Encoder.encode(text);
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && isContinuationByte(bytes[end]!)) end--;
  return utf8Decoder.decode(bytes.subarray(0, end));
}

/** The text a LOG message carries for the bytes an app logged. */
export function logText(bytes: Uint8Array): string {
  return cutUtf8(repairUtf8(bytes), LOG_TEXT_MAX_BYTES);
}

/** A trap's message or file as an EVENT carries it. */
export function trapText(text: string): string {
  return cutUtf8(text, TRAP_TEXT_MAX_BYTES);
}

/** How many bytes `text` takes as UTF-8. */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
