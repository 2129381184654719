/**
 * The interpreter's differential fuzzing at a larger count than the test's (issue 14, "Correctness"): modules from
 * Binaryen's translate-to-fuzz run in the interpreter's host build and in V8, and mutants of them and of
 * sensor-node go to its validator. A disagreement fails the bench with the seeds to replay; the figures are the
 * counts and the modules per second.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { BUILD_DIR } from '../host/build/paths.ts';
import { interpHost } from '../host/firmware/interp-build.ts';
import { fuzzModule, LEGITIMATE_REFUSAL, mutant, normalised } from '../test/firmware/interp/fuzz-modules.ts';
import { v8Lines } from '../test/firmware/interp/v8-reference.ts';

const run = promisify(execFile);
const WORK_DIR = path.join(BUILD_DIR, 'bench-interp-fuzz');
const MODULES = 1000;
const MUTANTS = 3000;
/** Seeds above the test's 1..200, so the bench covers other modules. */
const FIRST_SEED = 10_000;

export async function benchInterpFuzz(): Promise<Record<string, number>> {
  await mkdir(WORK_DIR, { recursive: true });
  const host = await interpHost();
  const lines = async (wasmPath: string, mode: string[] = []) =>
    (await run(host, [...mode, wasmPath], { maxBuffer: 16 * 2 ** 20 })).stdout.trim().split('\n');
  const problems: string[] = [];
  let ran = 0;
  const startedMs = performance.now();
  for (let seed = FIRST_SEED; seed < FIRST_SEED + MODULES; seed++) {
    const wasmPath = await fuzzModule(WORK_DIR, seed);
    const expected = normalised(v8Lines(new Uint8Array(await readFile(wasmPath))));
    const actual = normalised(await lines(wasmPath));
    if (expected[0] !== 'refused') ran++;
    const at = actual.findIndex((line, index) => line !== expected[index]);
    if (at >= 0 || actual.length !== expected.length) problems.push(`seed ${seed} line ${at}: '${actual[at]}' vs V8 '${expected[at]}'`);
  }
  const modulesPerS = MODULES / ((performance.now() - startedMs) / 1000);

  const sources = [
    await readFile(path.join(BUILD_DIR, 'apps', 'sensor-node.release.wasm')),
    ...(await Promise.all([0, 1, 2, 3].map(async (offset) => readFile(path.join(WORK_DIR, `fuzz-${FIRST_SEED + offset}.wasm`))))),
  ];
  const counts = { accepted: 0, refused: 0 };
  for (let i = 0; i < MUTANTS; i++) {
    const mutated = mutant(sources[i % sources.length]!, i);
    const wasmPath = path.join(WORK_DIR, 'mutant.wasm');
    await writeFile(wasmPath, mutated);
    const [verdict] = await lines(wasmPath, ['--validate']);
    const accepted = verdict === 'valid';
    counts[accepted ? 'accepted' : 'refused']++;
    const v8Accepts = WebAssembly.validate(mutated);
    if (v8Accepts ? !accepted && !LEGITIMATE_REFUSAL.test(verdict!) : accepted) {
      problems.push(`mutant ${i}: '${verdict}', V8 ${v8Accepts ? 'accepts' : 'refuses'}`);
    }
  }
  if (problems.length > 0) throw new Error(`interpreter fuzzing: ${problems.slice(0, 10).join('; ')}`);
  return {
    modules: MODULES,
    modulesRun: ran,
    modulesPerS: Math.round(modulesPerS * 10) / 10,
    mutants: MUTANTS,
    mutantsAccepted: counts.accepted,
    mutantsRefused: counts.refused,
  };
}
