import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AppLoadError } from '../abi/app-instance.ts';
import { BUILT_APPS_DIR } from '../build/paths.ts';
import { loadAppImage } from '../sim/app-image.ts';
import { ScenarioError, defaultScenario, loadScenario } from '../sim/scenario.ts';
import { Simulation, type Pacing } from '../sim/simulation.ts';
import { UsageError, UserError } from './errors.ts';
import { parseDurationMs, parsePositiveInteger } from './durations.ts';
import { TelemetryPrinter } from './telemetry-printer.ts';

const DEFAULT_APP = path.join(BUILT_APPS_DIR, 'sensor-node.release.wasm');

const HELP = `Usage: wasmote sim [options]

Runs a .wasm app on simulated devices with virtual chips (TMP102, SHT31, BME280, MPU-6050, LEDs) and prints
the telemetry each device sends over its device link.

Options:
  --app <file.wasm>        the app (default: build/apps/sensor-node.release.wasm, made by \`wasmote build\`)
  --devices <N>            number of devices, each with its own instance, seed and link (default 1)
  --duration <time>        virtual time to run: 500ms, 60s, 5m, 1h (default 60s)
  --speed max|realtime     as fast as possible (default) or paced to the wall clock
  --scenario <file.json>   environment and faults over time (docs/scenarios.md); default: a quiet office
  --seed <S>               seed of the run; the same app, scenario and seed give the same bytes (default 1)
  --json                   one JSON object per line instead of text
  --quiet                  print only the summary
  --help                   this text`;

export async function runSim(args: string[]): Promise<number> {
  const { values } = parseOptions(args);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const appPath = values.app ?? DEFAULT_APP;
  if (values.app === undefined && !existsSync(DEFAULT_APP)) {
    throw new UserError(`no --app given and ${path.relative(process.cwd(), DEFAULT_APP)} is missing: run \`wasmote build\` first`);
  }
  const deviceCount = parsePositiveInteger(values.devices, '--devices');
  const durationMs = parseDurationMs(values.duration, '--duration');
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed '${values.seed}' must be an integer`);
  if (values.speed !== 'max' && values.speed !== 'realtime') {
    throw new UsageError(`--speed '${values.speed}' must be max or realtime`);
  }
  const [app, scenario] = await Promise.all([
    loadAppImage(appPath).catch(toUserError),
    (values.scenario === undefined ? Promise.resolve(defaultScenario()) : loadScenario(values.scenario)).catch(toUserError),
  ]);

  const printer = new TelemetryPrinter(values.json, (line) => process.stdout.write(`${line}\n`));
  let messages = 0;
  const simulation = new Simulation({
    app,
    scenario,
    deviceCount,
    seed,
    onMessage: (message) => {
      messages += 1;
      if (!values.quiet) printer.print(message);
    },
  });
  const startedMs = performance.now();
  await simulation.runFor(durationMs, values.speed as Pacing);
  const wallS = (performance.now() - startedMs) / 1000;
  const dropped = simulation.devices.reduce((sum, _, index) => sum + totalDrops(simulation.linkStats(index)), 0);
  process.stderr.write(
    `${deviceCount} device(s), ${durationMs / 1000} s of virtual time in ${wallS.toFixed(2)} s ` +
      `(${(durationMs / 1000 / wallS).toFixed(0)}x real time), ${messages} messages, ${dropped} frames dropped\n`,
  );
  return 0;
}

function parseOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        app: { type: 'string' },
        devices: { type: 'string', default: '1' },
        duration: { type: 'string', default: '60s' },
        speed: { type: 'string', default: 'max' },
        scenario: { type: 'string' },
        seed: { type: 'string', default: '1' },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function toUserError(error: unknown): never {
  if (error instanceof AppLoadError || error instanceof ScenarioError) throw new UserError(error.message);
  throw error;
}

function totalDrops(stats: object): number {
  return Object.entries(stats)
    .filter(([name]) => name !== 'framesOk' && name !== 'seqGaps')
    .reduce((sum, [, count]) => sum + (typeof count === 'number' ? count : 0), 0);
}
