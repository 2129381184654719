/**
 * What the firmware build needs to know about an app before translating it (WebAssembly Core Specification 2.0,
 * §5 Binary Format): the signatures of its imports and exports, its table and memory limits, and where its
 * data segments end. Only the sections named here are read; the rest are skipped by their size.
 */

export type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';

export interface Signature {
  params: ValueType[];
  results: ValueType[];
}

export interface Limits {
  min: number;
  max: number | undefined;
}

export type AppExport =
  | { kind: 'function'; signature: Signature }
  | { kind: 'global'; type: ValueType; mutable: boolean }
  | { kind: 'memory' | 'table' };

export interface AppSections {
  types: Signature[];
  /** Function imports in index order, with their signatures. */
  functionImports: { module: string; name: string; signature: Signature }[];
  /** Exports by name with, for functions, their signature and, for globals, their type and mutability. */
  exports: Map<string, AppExport>;
  tables: Limits[];
  memories: Limits[];
  /** The end (offset + length) of the highest active data segment with a constant offset, 0 without data. */
  dataEnd: number;
}

export class WasmFormatError extends Error {}

/** §5.5.2 section ids. */
export const SECTION = { type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7, code: 10, data: 11, dataCount: 12 } as const;
/** §5.3.1 value types. */
const VALUE_TYPES: Record<number, ValueType> = {
  0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref',
};
const FUNCTION_TYPE_TAG = 0x60;
const IMPORT_KIND = { function: 0, table: 1, memory: 2, global: 3 } as const;
const EXPORT_KINDS = ['function', 'table', 'memory', 'global'] as const;
/** §5.4.1: the instructions a constant offset expression uses, and its end. */
const OPCODE = { i32Const: 0x41, i64Const: 0x42, f32Const: 0x43, f64Const: 0x44, globalGet: 0x23, end: 0x0b } as const;
export const MAGIC_AND_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** Reads the binary format's primitives (§5.1, §5.2). */
export class WasmReader {
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  byte(): number {
    if (this.offset >= this.bytes.length) throw new WasmFormatError('unexpected end of the module');
    return this.bytes[this.offset++]!;
  }

  /** §5.2.2 LEB128: unsigned up to 32 bits. */
  u32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new WasmFormatError('LEB128 longer than 5 bytes');
  }

  /** Signed LEB128 up to 64 bits, as a number (exact for the offsets a module uses). */
  signed(): number {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return byte & 0x40 ? result - 2 ** shift : result;
  }

  name(): string {
    const length = this.u32();
    const bytes = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return new TextDecoder().decode(bytes);
  }

  valueType(): ValueType {
    const code = this.byte();
    const type = VALUE_TYPES[code];
    if (type === undefined) throw new WasmFormatError(`unknown value type 0x${code.toString(16)}`);
    return type;
  }

  limits(): Limits {
    const flags = this.byte();
    const min = this.u32();
    return { min, max: flags & 1 ? this.u32() : undefined };
  }

  vector<T>(item: () => T): T[] {
    return Array.from({ length: this.u32() }, item);
  }

  /** A constant expression (§5.4.9); returns its value when it is a plain i32.const. */
  constantExpression(): number | undefined {
    let value: number | undefined;
    for (;;) {
      const opcode = this.byte();
      switch (opcode) {
        case OPCODE.end:
          return value;
        case OPCODE.i32Const:
          value = this.signed() >>> 0;
          continue;
        case OPCODE.i64Const:
          this.signed();
          break;
        case OPCODE.f32Const:
          this.offset += 4;
          break;
        case OPCODE.f64Const:
          this.offset += 8;
          break;
        case OPCODE.globalGet:
          this.u32();
          break;
        default:
          throw new WasmFormatError(`unsupported instruction 0x${opcode.toString(16)} in a constant expression`);
      }
      value = undefined;
    }
  }
}

export function readAppSections(wasm: Uint8Array): AppSections {
  if (!MAGIC_AND_VERSION.every((byte, index) => wasm[index] === byte)) {
    throw new WasmFormatError('not a WebAssembly 1.0 binary');
  }
  const reader = new WasmReader(wasm);
  reader.offset = MAGIC_AND_VERSION.length;
  const sections: AppSections = { types: [], functionImports: [], exports: new Map(), tables: [], memories: [], dataEnd: 0 };
  const functionTypes: number[] = [];
  const globals: { type: ValueType; mutable: boolean }[] = [];
  const pendingExports: { name: string; kind: (typeof EXPORT_KINDS)[number]; index: number }[] = [];
  while (!reader.done) {
    const id = reader.byte();
    const size = reader.u32();
    const end = reader.offset + size;
    switch (id) {
      case SECTION.type:
        sections.types = reader.vector(() => {
          if (reader.byte() !== FUNCTION_TYPE_TAG) throw new WasmFormatError('a type that is not a function type');
          return { params: reader.vector(() => reader.valueType()), results: reader.vector(() => reader.valueType()) };
        });
        break;
      case SECTION.import:
        reader.vector(() => {
          const module = reader.name();
          const name = reader.name();
          const kind = reader.byte();
          if (kind === IMPORT_KIND.function) {
            const typeIndex = reader.u32();
            functionTypes.push(typeIndex);
            sections.functionImports.push({ module, name, signature: typeAt(sections, typeIndex) });
          } else if (kind === IMPORT_KIND.table) {
            reader.valueType();
            sections.tables.push(reader.limits());
          } else if (kind === IMPORT_KIND.memory) {
            sections.memories.push(reader.limits());
          } else {
            globals.push({ type: reader.valueType(), mutable: reader.byte() === 1 });
          }
        });
        break;
      case SECTION.function:
        functionTypes.push(...reader.vector(() => reader.u32()));
        break;
      case SECTION.table:
        sections.tables.push(
          ...reader.vector(() => {
            reader.valueType();
            return reader.limits();
          }),
        );
        break;
      case SECTION.memory:
        sections.memories.push(...reader.vector(() => reader.limits()));
        break;
      case SECTION.global:
        globals.push(
          ...reader.vector(() => {
            const global = { type: reader.valueType(), mutable: reader.byte() === 1 };
            reader.constantExpression();
            return global;
          }),
        );
        break;
      case SECTION.export:
        pendingExports.push(
          ...reader.vector(() => {
            const name = reader.name();
            const kind = EXPORT_KINDS[reader.byte()];
            if (kind === undefined) throw new WasmFormatError(`export ${name} of an unknown kind`);
            return { name, kind, index: reader.u32() };
          }),
        );
        break;
      case SECTION.data:
        reader.vector(() => {
          const flags = reader.u32();
          if (flags === 2) reader.u32();
          const offset = flags === 1 ? undefined : reader.constantExpression();
          const length = reader.u32();
          reader.offset += length;
          if (offset !== undefined) sections.dataEnd = Math.max(sections.dataEnd, offset + length);
        });
        break;
    }
    reader.offset = end;
  }
  for (const { name, kind, index } of pendingExports) {
    if (kind === 'function') {
      const typeIndex = functionTypes[index];
      if (typeIndex === undefined) throw new WasmFormatError(`export ${name} names no function`);
      sections.exports.set(name, { kind, signature: typeAt(sections, typeIndex) });
    } else if (kind === 'global') {
      const global = globals[index];
      if (global === undefined) throw new WasmFormatError(`export ${name} names no global`);
      sections.exports.set(name, { kind, ...global });
    } else {
      sections.exports.set(name, { kind });
    }
  }
  return sections;
}

function typeAt(sections: AppSections, index: number): Signature {
  const signature = sections.types[index];
  if (signature === undefined) throw new WasmFormatError(`type index ${index} out of range`);
  return signature;
}

export function formatSignature({ params, results }: Signature): string {
  return `(${params.join(', ')}) -> ${results.length === 0 ? '()' : results.join(', ')}`;
}
