/**
 * One data segment instead of many. AssemblyScript emits a data segment per static string and array; wasm2c
 * turns each into a bounds check and a copy at instantiation (about 48 bytes of Cortex-M4 code apiece, some
 * 4.8 KiB for sensor-node). Merged into one segment, with zeros between them as linear memory starts, they
 * instantiate the same memory for a fraction of the flash. The app's identity (its hash) stays the original's.
 */
import { MAGIC_AND_VERSION, SECTION, WasmReader } from './wasm-sections.ts';

/** §5.4.6 bulk memory: memory.init and data.drop name segments by index; merging would renumber them. */
const PREFIX_FC = 0xfc;
const MEMORY_INIT = 0x08;
const DATA_DROP = 0x09;
/** §5.4.9: the offset expression `i32.const n end`. */
const I32_CONST = 0x41;
const END = 0x0b;
const ACTIVE_MEMORY_0 = 0;

interface Segment {
  offset: number;
  bytes: Uint8Array;
}

/** The module with its data segments merged, or the module as it is when merging is not safe. */
export function mergeDataSegments(wasm: Uint8Array): Uint8Array {
  const sections = splitSections(wasm);
  const data = sections.find((section) => section.id === SECTION.data);
  const code = sections.find((section) => section.id === SECTION.code);
  if (data === undefined || (code !== undefined && namesSegments(code.payload))) return wasm;
  const segments = readActiveSegments(data.payload);
  if (segments === undefined || segments.length < 2) return wasm;
  const start = Math.min(...segments.map((segment) => segment.offset));
  const end = Math.max(...segments.map((segment) => segment.offset + segment.bytes.length));
  const merged = new Uint8Array(end - start);
  for (const segment of segments) merged.set(segment.bytes, segment.offset - start);
  const payloads = new Map<number, Uint8Array>([
    [SECTION.data, concat([leb(1), Uint8Array.of(ACTIVE_MEMORY_0, I32_CONST), sleb(start), Uint8Array.of(END), leb(merged.length), merged])],
    [SECTION.dataCount, leb(1)],
  ]);
  return concat([
    Uint8Array.from(MAGIC_AND_VERSION),
    ...sections.flatMap(({ id, payload }) => {
      const replaced = payloads.get(id) ?? payload;
      return [Uint8Array.of(id), leb(replaced.length), replaced];
    }),
  ]);
}

function splitSections(wasm: Uint8Array): { id: number; payload: Uint8Array }[] {
  const reader = new WasmReader(wasm);
  reader.offset = MAGIC_AND_VERSION.length;
  const sections: { id: number; payload: Uint8Array }[] = [];
  while (!reader.done) {
    const id = reader.byte();
    const size = reader.u32();
    sections.push({ id, payload: wasm.subarray(reader.offset, reader.offset + size) });
    reader.offset += size;
  }
  return sections;
}

/** Conservative: any 0xFC 0x08 or 0xFC 0x09 byte pair, an instruction or not, counts. */
function namesSegments(code: Uint8Array): boolean {
  for (let i = 0; i + 1 < code.length; i++) {
    if (code[i] === PREFIX_FC && (code[i + 1] === MEMORY_INIT || code[i + 1] === DATA_DROP)) return true;
  }
  return false;
}

/** The segments when every one is active in memory 0 at a constant offset; undefined otherwise. */
function readActiveSegments(payload: Uint8Array): Segment[] | undefined {
  const reader = new WasmReader(payload);
  const count = reader.u32();
  const segments: Segment[] = [];
  for (let i = 0; i < count; i++) {
    if (reader.u32() !== ACTIVE_MEMORY_0 || reader.byte() !== I32_CONST) return undefined;
    const offset = reader.signed() >>> 0;
    if (reader.byte() !== END) return undefined;
    const length = reader.u32();
    segments.push({ offset, bytes: payload.subarray(reader.offset, reader.offset + length) });
    reader.offset += length;
  }
  return segments;
}

/** §5.2.2 unsigned LEB128. */
function leb(value: number): Uint8Array {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return Uint8Array.from(bytes);
}

/** §5.2.2 signed LEB128 of an i32.const (offsets are unsigned, so read back as the same 32 bits). */
function sleb(value: number): Uint8Array {
  let remaining = value | 0;
  const bytes: number[] = [];
  for (;;) {
    const byte = remaining & 0x7f;
    remaining >>= 7;
    const done = (remaining === 0 && (byte & 0x40) === 0) || (remaining === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return Uint8Array.from(bytes);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const result = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    result.set(part, at);
    at += part.length;
  }
  return result;
}
