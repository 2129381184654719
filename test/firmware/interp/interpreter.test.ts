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
import { fuzzModule, LEGITIMATE_REFUSAL, mutant, normalised } from './fuzz-modules.ts';
import { v8Lines } from './v8-reference.ts';

const run = promisify(execFile);
const WORK_DIR = path.join(BUILD_DIR, 'test-interp');
const CORPUS_DIR = path.join(import.meta.dirname, 'corpus');
const FUZZ_MODULES = 200;
const MUTANTS = 400;

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

  it(`gives V8's logs, results, traps and memory on ${FUZZ_MODULES} modules from wasm-opt -ttf`, async () => {
    const differences: string[] = [];
    let ran = 0;
    for (let seed = 1; seed <= FUZZ_MODULES; seed++) {
      const wasmPath = await fuzzModule(WORK_DIR, seed);
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
    const sources = [
      await readFile(appPath('sensor-node')),
      ...(await Promise.all([1, 2, 3].map(async (seed) => readFile(await fuzzModule(WORK_DIR, seed))))),
    ];
    const disagreements: string[] = [];
    const counts = { refused: 0, valid: 0 };
    for (let i = 0; i < MUTANTS; i++) {
      const mutated = mutant(sources[i % sources.length]!, i);
      const wasmPath = path.join(WORK_DIR, `mutant-${i}.wasm`);
      await writeFile(wasmPath, mutated);
      // A crash or a sanitizer report exits non-zero and fails the run here.
      const [verdict] = await interpLines(wasmPath, ['--validate']);
      const accepted = verdict === 'valid';
      counts[accepted ? 'valid' : 'refused']++;
      const v8Accepts = WebAssembly.validate(mutated);
      if (v8Accepts ? !accepted && !LEGITIMATE_REFUSAL.test(verdict!) : accepted) {
        disagreements.push(`mutant ${i}: interpreter '${verdict}', V8 ${v8Accepts ? 'accepts' : 'refuses'}`);
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
