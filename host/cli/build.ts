import path from 'node:path';
import { parseArgs } from 'node:util';
import { CompileError, compileAllApps } from '../build/compile-app.ts';
import { PROJECT_ROOT } from '../build/paths.ts';
import { UsageError, UserError } from './errors.ts';

const HELP = `Usage: wasmote build

Compiles every app in drivers/apps/ with asconfig.json's two targets into build/apps/:
  <app>.debug.wasm    for the simulator (names, assertions, source map)
  <app>.release.wasm  for devices (stub runtime, size-optimised, low memory limit, one page)
and prints each file's size.`;

export async function runBuild(args: string[]): Promise<number> {
  let help: boolean | undefined;
  try {
    ({ values: { help } } = parseArgs({ args, options: { help: { type: 'boolean' } }, strict: true }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (help) {
    console.log(HELP);
    return 0;
  }
  try {
    await compileAllApps((app) => {
      const where = path.relative(process.cwd(), app.wasmPath);
      console.log(`${where.padEnd(40)} ${String(app.sizeBytes).padStart(7)} bytes`);
    });
  } catch (error) {
    if (error instanceof CompileError) throw new UserError(`build failed: ${error.message}`);
    throw error;
  }
  return 0;
}
