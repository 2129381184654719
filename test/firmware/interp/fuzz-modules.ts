/**
 * Random modules for the interpreter's differential fuzzing (issue 14): Binaryen's translate-to-fuzz turns
 * seeded random bytes into a valid module with the features AssemblyScript's release build enables, and
 * mutants of a module exercise the validator. The same seed gives the same module on every run.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The PATH without node_modules/.bin, so that `wasm-opt` is Binaryen's native tool (Debian's binaryen), not the
 * JavaScript build of the binaryen npm package that an npm script's PATH puts first: it takes over a second to start
 * where the native one takes milliseconds.
 */
const NATIVE_TOOLS_PATH = (process.env.PATH ?? '')
  .split(path.delimiter)
  .filter((dir) => !dir.endsWith(path.join('node_modules', '.bin')))
  .join(path.delimiter);

/** Bytes of random input per module: translate-to-fuzz makes a module of a few KiB from them. */
const FUZZ_INPUT_BYTES = 4096;
/** The post-MVP features AssemblyScript's release build enables (docs/firmware.md, "Interpreter backend"). */
const FEATURES = ['--enable-sign-ext', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-mutable-globals'];

/** xorshift32 from `seed`. */
export function randomBytes(seed: number, length: number): Uint8Array {
  let state = (seed * 2654435761) >>> 0 || 1;
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/** Writes the module of `seed` to `dir` and returns its path. */
export async function fuzzModule(dir: string, seed: number): Promise<string> {
  const input = path.join(dir, `fuzz-${seed}.bin`);
  const output = path.join(dir, `fuzz-${seed}.wasm`);
  await writeFile(input, randomBytes(seed, FUZZ_INPUT_BYTES));
  // --denan: NaN bit patterns are V8's to choose (§4.3.3), so the modules make none.
  await run('wasm-opt', ['-ttf', input, '-o', output, '--denan', ...FEATURES], { env: { ...process.env, PATH: NATIVE_TOOLS_PATH } });
  return output;
}

/** Mutant `index` of `source`: one byte replaced, the module cut short, a byte inserted, or one removed. */
export function mutant(source: Uint8Array, index: number): Uint8Array<ArrayBuffer> {
  const random = randomBytes(index + 1, 4);
  const at = ((random[1]! << 8) | random[2]!) % source.length;
  const mutations = [
    () => Uint8Array.from(source, (byte, offset) => (offset === at ? random[3]! : byte)),
    () => source.slice(0, at),
    () => Uint8Array.from([...source.subarray(0, at), random[3]!, ...source.subarray(at)]),
    () => Uint8Array.from([...source.subarray(0, at), ...source.subarray(at + 1)]),
  ];
  return mutations[random[0]! % mutations.length]!();
}

/** Refusals compare as refusals: the interpreter and V8 say why in their own words. */
export const normalised = (lines: string[]) => lines.map((line) => (line.startsWith('refused') ? 'refused' : line));

/** What the interpreter may refuse that V8 accepts: a feature it leaves out, or an import outside the ABI. */
export const LEGITIMATE_REFUSAL = /unsupported|HAL ABI/;
