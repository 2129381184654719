import path from 'node:path';
import { parseCommandLine } from './arguments.ts';
import { UserError } from './errors.ts';

const HELP = `Usage: wasmote build

Compiles every app in drivers/apps/ with asconfig.json's two targets into build/apps/:
  <app>.debug.wasm    for the simulator (names, assertions, source map)
  <app>.release.wasm  for devices (stub runtime, size-optimised, low memory limit, one page)
and prints each file's size.

Options:
  --help              this text`;

export async function runBuild(args: string[]): Promise<number> {
  if (parseCommandLine(args, {}, { command: 'build' }).help) {
    console.log(HELP);
    return 0;
  }
  const { CompileError, compileAllApps } = await import('../build/compile-app.ts');
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
