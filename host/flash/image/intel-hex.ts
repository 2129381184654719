import { ImageError } from '../errors.ts';
import { normalizeSegments, type FirmwareImage, type Segment } from './firmware-image.ts';

/** Intel HEX (Intel, "Hexadecimal Object File Format Specification" rev A, 1988): the record types. */
const RecordType = {
  Data: 0x00,
  EndOfFile: 0x01,
  ExtendedSegmentAddress: 0x02,
  StartSegmentAddress: 0x03,
  ExtendedLinearAddress: 0x04,
  StartLinearAddress: 0x05,
} as const;

const RECORD_MARK = ':';
/** Byte count, two address bytes, record type, checksum: the bytes around the data. */
const FRAMING_BYTES = 5;
const CHECKSUM_MODULUS = 0x100;
/** Record 02 gives a paragraph (16-byte) number; record 04 the upper 16 bits of the address. */
const SEGMENT_SHIFT = 4;
const LINEAR_SHIFT = 16;
const OFFSET_MODULUS = 0x1_0000;
const ADDRESS_SPACE_BYTES = 2 ** 32;
/** Payload lengths fixed by the specification. */
const PAYLOAD_BYTES: Partial<Record<number, number>> = {
  [RecordType.EndOfFile]: 0,
  [RecordType.ExtendedSegmentAddress]: 2,
  [RecordType.StartSegmentAddress]: 4,
  [RecordType.ExtendedLinearAddress]: 2,
  [RecordType.StartLinearAddress]: 4,
};

interface HexRecord {
  type: number;
  offset: number;
  data: Uint8Array;
}

function parseRecord(line: string, lineNumber: number): HexRecord {
  const where = `line ${lineNumber}`;
  if (!line.startsWith(RECORD_MARK)) throw new ImageError(`${where}: a record must start with ':'`);
  const digits = line.slice(1);
  if (!/^[0-9a-fA-F]*$/.test(digits) || digits.length % 2 !== 0) {
    throw new ImageError(`${where}: not an even number of hexadecimal digits`);
  }
  const bytes = Uint8Array.from(digits.match(/../g) ?? [], (pair) => parseInt(pair, 16));
  if (bytes.length < FRAMING_BYTES) throw new ImageError(`${where}: record too short`);
  const length = bytes[0]!;
  if (bytes.length !== length + FRAMING_BYTES) {
    throw new ImageError(`${where}: byte count says ${length} data bytes, the record has ${bytes.length - FRAMING_BYTES}`);
  }
  const sum = bytes.reduce((total, byte) => total + byte, 0);
  if (sum % CHECKSUM_MODULUS !== 0) throw new ImageError(`${where}: checksum mismatch`);
  const type = bytes[3]!;
  if (type > RecordType.StartLinearAddress) throw new ImageError(`${where}: unknown record type ${type}`);
  const fixed = PAYLOAD_BYTES[type];
  if (fixed !== undefined && fixed !== length) throw new ImageError(`${where}: record type ${type} takes ${fixed} data bytes, not ${length}`);
  return { type, offset: (bytes[1]! << 8) | bytes[2]!, data: bytes.subarray(4, 4 + length) };
}

function bigEndian(data: Uint8Array): number {
  return data.reduce((value, byte) => value * 0x100 + byte, 0);
}

/**
 * Parses Intel HEX: data records (00) placed through extended segment (02) or extended linear (04) addresses,
 * start addresses (03, 05) and the end-of-file record (01), which must come last. Gaps between data stay gaps.
 * With a segment base the offset wraps within its 64 KB segment; with a linear base it does not (the
 * specification's address calculation for each).
 */
export function parseIntelHex(text: string): FirmwareImage {
  const segments: Segment[] = [];
  let base = 0;
  let segmentMode = false;
  let entry: number | undefined;
  let ended = false;
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    if (ended) throw new ImageError(`line ${index + 1}: data after the end-of-file record`);
    const record = parseRecord(line, index + 1);
    switch (record.type) {
      case RecordType.Data:
        segments.push(...placeData(record, base, segmentMode));
        break;
      case RecordType.EndOfFile:
        ended = true;
        break;
      case RecordType.ExtendedSegmentAddress:
        base = bigEndian(record.data) << SEGMENT_SHIFT;
        segmentMode = true;
        break;
      case RecordType.ExtendedLinearAddress:
        base = bigEndian(record.data) * 2 ** LINEAR_SHIFT;
        segmentMode = false;
        break;
      case RecordType.StartSegmentAddress:
        entry = (bigEndian(record.data.subarray(0, 2)) << SEGMENT_SHIFT) + bigEndian(record.data.subarray(2));
        break;
      case RecordType.StartLinearAddress:
        entry = bigEndian(record.data);
        break;
    }
  }
  if (!ended) throw new ImageError('truncated Intel HEX: no end-of-file record (type 01)');
  return { format: 'intel-hex', segments: normalizeSegments(segments), ...(entry === undefined ? {} : { entry }) };
}

function placeData(record: HexRecord, base: number, segmentMode: boolean): Segment[] {
  const { offset, data } = record;
  if (!segmentMode || offset + data.length <= OFFSET_MODULUS) {
    return [{ address: (base + offset) % ADDRESS_SPACE_BYTES, data }];
  }
  const firstPart = OFFSET_MODULUS - offset;
  return [
    { address: base + offset, data: data.subarray(0, firstPart) },
    { address: base, data: data.subarray(firstPart) },
  ];
}
