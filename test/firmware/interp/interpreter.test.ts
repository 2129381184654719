/**
 * The interpreter (firmware/engine/interp/) built for the host under AddressSanitizer and UBSan, held to V8
 * (issue 14, "Correctness"): random valid modules from Binaryen's translate-to-fuzz give the same logs, results,
 * traps and memory; the corpus of hand-written edge cases (corpus/*.wat) too; and mutated modules are refused
 * where V8 refuses them, accepted where V8 accepts them unless the interpreter names a feature it lacks, and
 * never crash it.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_DIR } from '../../../host/build/paths.ts';
import { interpHostSources } from '../../../host/firmware/interp-build.ts';
import { appPath } from '../../support/apps.ts';
import { buildNativeProgram } from '../support/native.ts';
import { v8Lines } from './v8-reference.ts';

const run = promisify(execFile);
const WORK_DIR = path.join(BUILD_DIR, 'test-interp');
const CORPUS_DIR = path.join(import.meta.dirname, 'corpus');
const FUZZ_MODULES = 200;
const MUTANTS = 400;
/** Bytes of random input per module: translate-to-fuzz makes a module of a few KiB from them. */
const FUZZ_INPUT_BYTES = 4096;
/** The post-MVP features AssemblyScript's release build enables (docs/firmware.md, "Interpreter"). */
const FEATURES = ['--enable-sign-ext', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-mutable-globals'];
/** What the interpreter may refuse that V8 accepts: a feature it leaves out, or an import outside the ABI. */
const LEGITIMATE_REFUSAL = /unsupported|HAL ABI/;

/** xorshift32: the same inputs on every run, so a failing seed can be replayed. */
function randomBytes(seed: number, length: number): Uint8Array {
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

/** Refusals compare as refusals: the two say why in their own words. */
const normalised = (lines: string[]) => lines.map((line) => (line.startsWith('refused') ? 'refused' : line));

describe('the interpreter built for the host, against V8', { timeout: 600_000 }, () => {
  let host: string;

  beforeAll(async () => {
    await mkdir(WORK_DIR, { recursive: true });
    host = await buildNativeProgram('interp-host-sanitized', await interpHostSources(), [
      '-std=gnu11',
      '-ffp-contract=off',
      '-fno-math-errno',
      '-fsanitize=address,undefined',
      '-fno-sanitize-recover=all',
    ]);
  }, 120_000);

  async function interpLines(wasmPath: string, mode: string[] = []): Promise<string[]> {
    const { stdout } = await run(host, [...mode, wasmPath], { maxBuffer: 16 * 2 ** 20 });
    return stdout.trim().split('\n');
  }

  async function fuzzModule(seed: number): Promise<string> {
    const input = path.join(WORK_DIR, `fuzz-${seed}.bin`);
    const output = path.join(WORK_DIR, `fuzz-${seed}.wasm`);
    await writeFile(input, randomBytes(seed, FUZZ_INPUT_BYTES));
    // --denan: NaN bit patterns are V8's to choose (§4.3.3), so the modules make none.
    await run('wasm-opt', ['-ttf', input, '-o', output, '--denan', ...FEATURES]);
    return output;
  }

  it(`gives V8's logs, results, traps and memory on ${FUZZ_MODULES} modules from wasm-opt -ttf`, async () => {
    const differences: string[] = [];
    let ran = 0;
    for (let seed = 1; seed <= FUZZ_MODULES; seed++) {
      const wasmPath = await fuzzModule(seed);
      const expected = normalised(v8Lines(new Uint8Array(await readFile(wasmPath))));
      const actual = normalised(await interpLines(wasmPath));
      if (expected[0] !== 'refused') ran++;
      const at = actual.findIndex((line, index) => line !== expected[index]);
      if (at >= 0 || actual.length !== expected.length) {
        differences.push(`seed ${seed}, line ${at}: interpreter '${actual[at]}', V8 '${expected[at]}'`);
      }
    }
    expect(differences).toEqual([]);
    // Most modules import only the logging functions and run; a run of refusals would test nothing.
    expect(ran).toBeGreaterThan(FUZZ_MODULES / 2);
  });

  it('gives V8\'s results and traps on the corpus of edge cases', async () => {
    const cases = (await readdir(CORPUS_DIR)).filter((file) => file.endsWith('.wat'));
    expect(cases.length).toBeGreaterThan(0);
    for (const file of cases) {
      const wasmPath = path.join(WORK_DIR, file.replace(/\.wat$/, '.wasm'));
      await run('wat2wasm', ['--enable-all', path.join(CORPUS_DIR, file), '-o', wasmPath]);
      const expected = v8Lines(new Uint8Array(await readFile(wasmPath)));
      expect({ file, lines: await interpLines(wasmPath) }).toEqual({ file, lines: expected });
    }
  });

  it(`refuses what V8 refuses and accepts what it accepts, on ${MUTANTS} mutated modules, and never crashes`, async () => {
    const sources = [await readFile(appPath('sensor-node')), ...(await Promise.all([1, 2, 3].map(async (seed) => readFile(await fuzzModule(seed)))))];
    const random = randomBytes(MUTANTS, MUTANTS * 8);
    const disagreements: string[] = [];
    const counts = { refused: 0, valid: 0 };
    for (let i = 0; i < MUTANTS; i++) {
      const source = sources[i % sources.length]!;
      const pick = (k: number) => random[i * 8 + k]!;
      const at = ((pick(1) << 8) | pick(2)) % source.length;
      // One byte replaced, the module cut short, a byte inserted, or one removed.
      const mutant = [
        () => Uint8Array.from(source, (byte, index) => (index === at ? pick(3) : byte)),
        () => source.subarray(0, at),
        () => Uint8Array.from([...source.subarray(0, at), pick(3), ...source.subarray(at)]),
        () => Uint8Array.from([...source.subarray(0, at), ...source.subarray(at + 1)]),
      ][pick(0) % 4]!();
      const wasmPath = path.join(WORK_DIR, `mutant-${i}.wasm`);
      await writeFile(wasmPath, mutant);
      // A crash or a sanitizer report exits non-zero and fails the run here.
      const [verdict] = await interpLines(wasmPath, ['--validate']);
      const accepted = verdict === 'valid';
      counts[accepted ? 'valid' : 'refused']++;
      if (WebAssembly.validate(mutant) ? !accepted && !LEGITIMATE_REFUSAL.test(verdict!) : accepted) {
        disagreements.push(`mutant ${i} (at byte ${at}): interpreter '${verdict}', V8 ${WebAssembly.validate(mutant) ? 'accepts' : 'refuses'}`);
      }
    }
    expect(disagreements).toEqual([]);
    expect(counts.refused).toBeGreaterThan(0);
  });

  it('names the feature it refuses', async () => {
    const simd = path.join(WORK_DIR, 'simd.wasm');
    await writeFile(path.join(WORK_DIR, 'simd.wat'), '(module (func (export "f") (result i32) (i32x4.extract_lane 0 (v128.const i32x4 1 2 3 4))))');
    await run('wat2wasm', [path.join(WORK_DIR, 'simd.wat'), '-o', simd]);
    expect(await interpLines(simd, ['--validate'])).toEqual([expect.stringMatching(/^refused unsupported feature: SIMD/)]);
    const table = path.join(WORK_DIR, 'table-grow.wasm');
    await writeFile(path.join(WORK_DIR, 'table-grow.wat'), '(module (table $t 1 funcref) (func (export "f") (result i32) (table.grow $t (ref.null func) (i32.const 1))))');
    await run('wat2wasm', [path.join(WORK_DIR, 'table-grow.wat'), '-o', table]);
    expect(await interpLines(table, ['--validate'])).toEqual([expect.stringMatching(/^refused unsupported feature: /)]);
  });
});
