import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BUILT_APPS_DIR, PROJECT_ROOT } from '../build/paths.ts';
import { runBuild } from './build.ts';
import { UsageError } from './errors.ts';
import { runSim } from './sim.ts';

const DEMO_SCENARIO = path.join(PROJECT_ROOT, 'host', 'sim', 'scenarios', 'demo.json');

const HELP = `Usage: wasmote demo [--duration <time>] [--devices <N>]

What \`npm start\` runs: builds the apps if needed, then three simulated sensor nodes in real time on the demo
scenario (a heater spike at 45 s, a CRC fault on device 1, the BME280 of device 2 unplugged from 60 s to 70 s).
Stop it with Ctrl-C.`;

export async function runDemo(args: string[]): Promise<number> {
  let values: { duration?: string; devices?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { duration: { type: 'string' }, devices: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!existsSync(path.join(BUILT_APPS_DIR, 'sensor-node.release.wasm'))) await runBuild([]);
  return runSim([
    '--devices',
    values.devices ?? '3',
    '--duration',
    values.duration ?? '1h',
    '--speed',
    'realtime',
    '--scenario',
    DEMO_SCENARIO,
  ]);
}
