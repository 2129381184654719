import { ImageError } from '../errors.ts';
import { normalizeSegments, type FirmwareImage } from './firmware-image.ts';

/** A raw binary: the file's bytes, placed at `address`. */
export function parseBinary(bytes: Uint8Array, address: number): FirmwareImage {
  if (bytes.length === 0) throw new ImageError('the binary file is empty');
  return { format: 'binary', segments: normalizeSegments([{ address, data: bytes }]) };
}
