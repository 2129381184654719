import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { APPS_DIR, BUILT_APPS_DIR, PROJECT_ROOT } from './paths.ts';

/** The two asconfig.json targets: `debug` for the simulator with names and source maps, `release` for devices. */
export type BuildTarget = 'debug' | 'release';

export interface CompiledApp {
  name: string;
  target: BuildTarget;
  wasmPath: string;
  sizeBytes: number;
}

export class CompileError extends Error {}

/** Compiles one AssemblyScript entry file with the project's asconfig.json target. */
export async function compileApp(entryPath: string, target: BuildTarget, outDir: string): Promise<CompiledApp> {
  const name = path.basename(entryPath, '.ts');
  const wasmPath = path.join(outDir, `${name}.${target}.wasm`);
  await mkdir(outDir, { recursive: true });
  // Loaded here, not at the top: the compiler and Binaryen are megabytes of JavaScript that only a build needs.
  const { default: asc } = await import('assemblyscript/asc');
  const stderr = asc.createMemoryStream();
  const { error } = await asc.main(
    [entryPath, '--config', path.join(PROJECT_ROOT, 'asconfig.json'), '--target', target, '--outFile', wasmPath],
    { stdout: asc.createMemoryStream(), stderr },
  );
  if (error) {
    throw new CompileError(`${path.relative(PROJECT_ROOT, entryPath)} (${target}): ${error.message}\n${stderr.toString()}`);
  }
  return { name, target, wasmPath, sizeBytes: (await stat(wasmPath)).size };
}

/** Every app under drivers/apps/, both targets, into build/apps/. */
export async function compileAllApps(onBuilt: (app: CompiledApp) => void = () => {}): Promise<CompiledApp[]> {
  const entries = (await readdir(APPS_DIR)).filter((file) => file.endsWith('.ts')).sort();
  const built: CompiledApp[] = [];
  for (const entry of entries) {
    for (const target of ['debug', 'release'] as const) {
      const app = await compileApp(path.join(APPS_DIR, entry), target, BUILT_APPS_DIR);
      onBuilt(app);
      built.push(app);
    }
  }
  return built;
}
