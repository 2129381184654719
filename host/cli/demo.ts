import { existsSync } from 'node:fs';
import path from 'node:path';
import { BUILT_APPS_DIR, PROJECT_ROOT } from '../build/paths.ts';
import { duration, integer, parseCommandLine } from './arguments.ts';
import { DEVICE_COUNT, simulate } from './sim.ts';

const DEMO_SCENARIO = path.join(PROJECT_ROOT, 'host', 'sim', 'scenarios', 'demo.json');
const DEMO_APP = path.join(BUILT_APPS_DIR, 'sensor-node.release.wasm');
const DEMO_SEED = 1;

const HELP = `Usage: wasmote demo [--duration <time>] [--devices <N>]

What \`npm start\` runs: builds the apps if needed, then simulated sensor nodes in real time on the demo
scenario (a heater spike at 45 s, a CRC fault on device 1, the BME280 of device 2 unplugged from 60 s to 70 s),
printing their telemetry. Stop it with Ctrl-C.

Options:
  --duration <time>   how long to run: 500ms, 60s, 5m, 1h (default 1h)
  --devices <N>       number of devices, ${DEVICE_COUNT.min} to ${DEVICE_COUNT.max} (default 3)
  --help              this text`;

const OPTIONS = {
  duration: duration('1h'),
  devices: integer(DEVICE_COUNT, 3),
};

export async function runDemo(args: string[]): Promise<number> {
  const line = parseCommandLine(args, OPTIONS, { command: 'demo' });
  if (line.help) {
    console.log(HELP);
    return 0;
  }
  if (!existsSync(DEMO_APP)) await (await import('./build.ts')).runBuild([]);
  return simulate({
    appPath: DEMO_APP,
    deviceCount: line.values.devices,
    durationMs: line.values.duration,
    pacing: 'realtime',
    scenarioPath: DEMO_SCENARIO,
    seed: DEMO_SEED,
    json: false,
    quiet: false,
  });
}
