import { repairUtf8 } from './text-rules.ts';

/**
 * Checked access to an app's linear memory (docs/hal-abi.md §3, pointer checks). Views are refreshed when the
 * memory grows, since growing detaches the old ArrayBuffer.
 */
export class AppMemory {
  private bytesView = new Uint8Array(0);
  private dataView = new DataView(new ArrayBuffer(0));

  constructor(private readonly memory: WebAssembly.Memory) {
    this.refresh();
  }

  private refresh(): void {
    if (this.bytesView.buffer !== this.memory.buffer) {
      this.bytesView = new Uint8Array(this.memory.buffer);
      this.dataView = new DataView(this.memory.buffer);
    }
  }

  /** A view of `len` bytes at `ptr`, or null when the range leaves linear memory. */
  bytes(ptr: number, len: number): Uint8Array | null {
    this.refresh();
    if (!this.inBounds(ptr, len)) return null;
    return this.bytesView.subarray(ptr, ptr + len);
  }

  inBounds(ptr: number, len: number): boolean {
    this.refresh();
    return ptr >= 0 && len >= 0 && ptr + len <= this.bytesView.length;
  }

  /** Stores a u64 (little-endian); false when out of bounds. */
  writeU64(ptr: number, value: number): boolean {
    if (!this.inBounds(ptr, 8)) return false;
    this.dataView.setBigUint64(ptr, BigInt(value), true);
    return true;
  }

  writeU8(ptr: number, value: number): boolean {
    if (!this.inBounds(ptr, 1)) return false;
    this.bytesView[ptr] = value;
    return true;
  }

  /** `len` bytes at `ptr` as text, invalid UTF-8 repaired (text-rules.ts); null when out of bounds. */
  utf8(ptr: number, len: number): string | null {
    const bytes = this.bytes(ptr, len);
    return bytes === null ? null : repairUtf8(bytes);
  }

  /**
   * An AssemblyScript string: UTF-16LE, its byte length in the u32 at `ptr - 4` (the object header's rtSize).
   * Returns '' for a null pointer or a header outside memory.
   */
  assemblyScriptString(ptr: number): string {
    if (ptr === 0 || !this.inBounds(ptr - 4, 4)) return '';
    const byteLength = this.dataView.getUint32(ptr - 4, true);
    const bytes = this.bytes(ptr, byteLength & ~1);
    return bytes === null ? '' : utf16Decoder.decode(bytes);
  }
}

/** Lone surrogates become U+FFFD; a leading U+FEFF is text like any other (`ignoreBOM`), as the firmware keeps it. */
const utf16Decoder = new TextDecoder('utf-16le', { ignoreBOM: true });
