/**
 * Builds the firmware's portable C (link codec, engine, HAL imports) with the host's C compiler, so tests can
 * run it as a plain program. Outputs go to build/test-native/.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { BUILD_DIR, PROJECT_ROOT } from '../../../host/build/paths.ts';

const run = promisify(execFile);

export const NATIVE_DIR = path.join(BUILD_DIR, 'test-native');

const WARNINGS = ['-std=c11', '-D_POSIX_C_SOURCE=200809L', '-Wall', '-Wextra', '-Werror'];

/** Compiles `sources` (absolute, or relative to the project root) into build/test-native/<name>; returns its path. */
export async function buildNativeProgram(name: string, sources: string[], flags: string[] = []): Promise<string> {
  await mkdir(NATIVE_DIR, { recursive: true });
  const output = path.join(NATIVE_DIR, name);
  const inputs = sources.map((source) => path.resolve(PROJECT_ROOT, source));
  await run('cc', [...WARNINGS, '-O1', '-g', ...flags, '-o', output, ...inputs, '-lm']);
  return output;
}

/** Runs `program` with `input` on stdin and returns its stdout lines. */
export async function runLines(program: string, input: string[]): Promise<string[]> {
  const child = execFile(program, { maxBuffer: 64 * 2 ** 20 });
  const stdout: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => stdout.push(chunk));
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? -1));
  });
  child.stdin!.end(input.map((line) => `${line}\n`).join(''));
  const code = await exited;
  if (code !== 0) throw new Error(`${path.basename(program)} exited with ${code}`);
  return stdout.join('').split('\n').slice(0, -1);
}
