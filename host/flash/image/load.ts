import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ImageError } from '../errors.ts';
import { parseBinary } from './binary.ts';
import { parseElf } from './elf.ts';
import type { FirmwareImage, ImageFormat } from './firmware-image.ts';
import { parseIntelHex } from './intel-hex.ts';

const EXTENSIONS: Record<string, ImageFormat> = {
  '.bin': 'binary',
  '.hex': 'intel-hex',
  '.ihex': 'intel-hex',
  '.ihx': 'intel-hex',
  '.elf': 'elf',
  '.axf': 'elf',
  '.out': 'elf',
};
const ELF_MAGIC = '\x7fELF';

/** The format by extension, else by content (ELF magic, or a text file of ':' records), else raw binary. */
export function detectFormat(file: string, bytes: Uint8Array): ImageFormat {
  const byExtension = EXTENSIONS[path.extname(file).toLowerCase()];
  if (byExtension) return byExtension;
  const head = Buffer.from(bytes.subarray(0, ELF_MAGIC.length)).toString('latin1');
  if (head === ELF_MAGIC) return 'elf';
  if (head.startsWith(':') && /^[:0-9a-fA-F\r\n]*$/.test(Buffer.from(bytes).toString('latin1'))) return 'intel-hex';
  return 'binary';
}

/**
 * Reads a firmware file. A binary goes at `binaryAddress`; HEX and ELF files carry their own addresses.
 */
export async function loadImage(file: string, binaryAddress: number): Promise<FirmwareImage> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (error) {
    throw new ImageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    switch (detectFormat(file, bytes)) {
      case 'binary':
        return parseBinary(bytes, binaryAddress);
      case 'intel-hex':
        return parseIntelHex(Buffer.from(bytes).toString('latin1'));
      case 'elf':
        return parseElf(bytes);
    }
  } catch (error) {
    if (error instanceof ImageError) throw new ImageError(`${file}: ${error.message}`);
    throw error;
  }
}
