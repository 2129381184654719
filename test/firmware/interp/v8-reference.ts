/**
 * What V8 (Node's WebAssembly) makes of a module under the protocol of the interpreter's host build
 * (firmware/engine/interp/host/main.c): Binaryen's fuzzing imports log their argument, each exported function
 * is called in export order with zero arguments, and the memory is hashed at the end. The lines are the host
 * build's, so the two compare line for line.
 */
import { readAppSections, type ValueType } from '../../../host/firmware/wasm-sections.ts';

/** docs/link-protocol.md §4.4 trap codes, from V8's RuntimeError messages. */
const TRAP_CODES: [RegExp, number][] = [
  [/^unreachable/, 2],
  [/memory access out of bounds/, 3],
  [/Maximum call stack size exceeded/, 4],
  [/divide by zero|divide result unrepresentable|remainder by zero|integer overflow|float unrepresentable|integer result unrepresentable/, 5],
  [/null function|signature mismatch|table index is out of bounds/, 6],
];

const f32Bits = (value: number) => new Uint32Array(Float32Array.of(value).buffer)[0]!.toString(16).padStart(8, '0');
const f64Bits = (value: number) => new BigUint64Array(Float64Array.of(value).buffer)[0]!.toString(16).padStart(16, '0');

function formatValue(type: ValueType, value: unknown): string {
  switch (type) {
    case 'i32':
      return `i32 ${value as number}`;
    case 'i64':
      return `i64 ${BigInt.asIntN(64, value as bigint)}`;
    case 'f32':
      return `f32 ${f32Bits(value as number)}`;
    case 'f64':
      return `f64 ${f64Bits(value as number)}`;
    default:
      throw new Error(`no format for ${type}`);
  }
}

function trapCode(error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  const found = TRAP_CODES.find(([pattern]) => pattern.test(message));
  if (found === undefined) throw new Error(`V8 failed with an unexpected error: ${message}`);
  return found[1];
}

/** FNV-1a, as the host build hashes its memory. */
function fnv1a(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

export function v8Lines(wasm: Uint8Array<ArrayBuffer>): string[] {
  const lines: string[] = [];
  const sections = readAppSections(wasm);
  const log = (type: ValueType) => (value: unknown) => lines.push(`log ${formatValue(type, value)}`);
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), {
      'fuzzing-support': { 'log-i32': log('i32'), 'log-i64': log('i64'), 'log-f32': log('f32'), 'log-f64': log('f64') },
    });
  } catch (error) {
    if (error instanceof WebAssembly.CompileError || error instanceof WebAssembly.LinkError) return [`refused ${error.message}`];
    trapCode(error);
    return [...lines, 'instantiate trap'];
  }
  for (const [name, exported] of sections.exports) {
    if (exported.kind !== 'function') continue;
    lines.push(`call ${name}`);
    const args = exported.signature.params.map((type) => (type === 'i64' ? 0n : 0));
    try {
      const returned = (instance.exports[name] as (...values: unknown[]) => unknown)(...args);
      const results = exported.signature.results;
      const values = results.length === 1 ? [returned] : results.length === 0 ? [] : (returned as unknown[]);
      lines.push(['result', ...results.map((type, index) => formatValue(type, values[index]))].join(' '));
    } catch (error) {
      lines.push(`trap ${trapCode(error)}`);
    }
  }
  const memory = Object.values(instance.exports).find((value) => value instanceof WebAssembly.Memory);
  const bytes = memory instanceof WebAssembly.Memory ? new Uint8Array(memory.buffer) : new Uint8Array(0);
  lines.push(`memory ${fnv1a(bytes)}`);
  return lines;
}
