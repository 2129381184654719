/**
 * Start-up of the shipped command line (issue 9): each command is a fresh `node` process, timed as a whole from
 * spawn to exit, against `node -e 0` in the same run, the commands taking turns so that a noisy spell weighs on
 * all of them alike. `wasmote build` is set against AssemblyScript's own `asc` CLI compiling the same entry with
 * the same asconfig.json targets.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { APPS_DIR, PROJECT_ROOT } from '../host/build/paths.ts';

const ROUNDS = 7;
const BUILD_ROUNDS = 3;
const CLI = path.join(PROJECT_ROOT, 'bin', 'wasmote.js');
const HELP_COMMANDS = [[], ['build'], ['sim'], ['firmware'], ['firmware', 'build'], ['firmware', 'run'], ['flash'], ['flash', 'simulate'], ['demo']];
const ASC_CLI = createRequire(import.meta.url).resolve('assemblyscript/bin/asc.js');

/** Wall time of one process, in ms; throws if it fails, so a broken command never passes for a fast one. */
function timeProcessMs(args: string[], cwd: string): number {
  const startedMs = performance.now();
  const result = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsedMs = performance.now() - startedMs;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  return elapsedMs;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs every entry once per round, in turn, and gives each entry's median. */
function alternate(entries: Record<string, () => number>, rounds: number): Record<string, number> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(entries).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(entries)) samples[name]!.push(run());
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

export async function benchStartup(): Promise<Record<string, number>> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'wasmote-bench-'));
  try {
    const helpEntries: Record<string, () => number> = { 'node -e 0': () => timeProcessMs(['-e', '0'], workDir) };
    for (const command of HELP_COMMANDS) {
      helpEntries[helpLabel(command)] = () => timeProcessMs([CLI, ...command, '--help'], workDir);
    }
    const helpMs = alternate(helpEntries, ROUNDS);
    const nodeMs = helpMs['node -e 0']!;

    const entry = path.join(APPS_DIR, 'sensor-node.ts');
    const config = path.join(PROJECT_ROOT, 'asconfig.json');
    const asc = (target: string) =>
      timeProcessMs([ASC_CLI, entry, '--config', config, '--target', target, '--outFile', path.join(workDir, `asc.${target}.wasm`)], workDir);
    const buildMs = alternate(
      { 'wasmote build': () => timeProcessMs([CLI, 'build'], workDir), 'asc debug + release': () => asc('debug') + asc('release') },
      BUILD_ROUNDS,
    );

    const figures: Record<string, number> = { nodeStartMs: round1(nodeMs) };
    let worstHelpMultiple = 0;
    for (const command of HELP_COMMANDS) {
      const ms = helpMs[helpLabel(command)]!;
      const key = command.length === 0 ? 'wasmote' : command.join('_');
      figures[`${key}_help_ms`] = round1(ms);
      figures[`${key}_help_x_node`] = round2(ms / nodeMs);
      worstHelpMultiple = Math.max(worstHelpMultiple, ms / nodeMs);
    }
    figures.worstHelp_x_node = round2(worstHelpMultiple);
    figures.buildSensorNodeMs = round1(buildMs['wasmote build']!);
    figures.ascCliSensorNodeMs = round1(buildMs['asc debug + release']!);
    figures.build_x_ascCli = round2(buildMs['wasmote build']! / buildMs['asc debug + release']!);
    return figures;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

const helpLabel = (command: string[]) => ['wasmote', ...command, '--help'].join(' ');
const round1 = (value: number) => Math.round(value * 10) / 10;
const round2 = (value: number) => Math.round(value * 100) / 100;
