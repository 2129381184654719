import type { EdgeAddress } from '../edge/links/edge-uplink.ts';
import type { Pacing } from '../sim/simulation.ts';
import { choice, duration, flag, integer, parseCommandLine, SEED_RANGE, text, type IntegerRange } from './arguments.ts';
import { UsageError, UserError } from './errors.ts';
import { edgeUrl, formatEdgeUrl } from './link-addresses.ts';
import { printLine, stdoutClosed } from './output.ts';
import { loadSimInputs } from './sim-inputs.ts';

export const DEVICE_COUNT: IntegerRange = { min: 1, max: 100_000 };
/** Virtual time run between looks at whether stdout's reader has gone (issue 9). */
const SLICE_MS = 1000;

const HELP = `Usage: wasmote sim [options]

Runs a .wasm app on simulated devices with virtual chips (TMP102, SHT31, BME280, MPU-6050, LEDs) and prints
the telemetry each device sends over its device link. With --edge, each device also has a TCP connection to
a running edge: its frames go to the edge, and the edge's commands come back to it.

Options:
  --app <file.wasm>        the app (default: build/apps/sensor-node.release.wasm, made by \`wasmote build\`)
  --devices <N>            number of devices, ${DEVICE_COUNT.min} to ${DEVICE_COUNT.max}, each with its own instance, seed and link
                           (default 1)
  --duration <time>        virtual time to run: 500ms, 60s, 5m, 1h (default 60s)
  --speed max|realtime     as fast as possible (default) or paced to the wall clock (always, with --edge)
  --scenario <file.json>   environment and faults over time (docs/scenarios.md); default: a quiet office
  --id-prefix <P>          device ids are P-0000, P-0001, ... (default: sim-<4 random hex digits>, so two runs
                           on one edge differ); letters, digits, . _ -
  --seed <S>               seed of the run, 0 to ${SEED_RANGE.max}; the same app, scenario and seed give the same
                           bytes (default 1)
  --edge tcp://HOST:PORT   connect each device to the edge listening there (one connection per device) and
                           run in real time; a device whose connection drops reconnects with backoff, and
                           the frames it sends meanwhile are lost, as on an unplugged line
  --json                   one JSON object per line instead of text
  --quiet                  print only the summary
  --help                   this text`;

const OPTIONS = {
  app: text(),
  devices: integer(DEVICE_COUNT, 1),
  duration: duration('60s'),
  speed: choice(['max', 'realtime']),
  scenario: text(),
  seed: integer(SEED_RANGE, 1),
  'id-prefix': text(),
  edge: edgeUrl(),
  json: flag(),
  quiet: flag(),
};

/** A simulation run as `wasmote sim` and `wasmote demo` start one. */
export interface SimRun {
  /** Default: the sensor-node app `wasmote build` makes. */
  appPath?: string;
  deviceCount: number;
  durationMs: number;
  pacing: Pacing;
  /** Default: a quiet office. */
  scenarioPath?: string;
  seed: number;
  /** Default: `sim-<random>`. */
  idPrefix?: string;
  /** Each device's link also goes to this edge over TCP (issue 11); the run must be paced in real time. */
  edge?: EdgeAddress;
  json: boolean;
  quiet: boolean;
}

export async function runSim(args: string[]): Promise<number> {
  const line = parseCommandLine(args, OPTIONS, { command: 'sim' });
  if (line.help) {
    console.log(HELP);
    return 0;
  }
  const { values } = line;
  if (values.edge !== undefined && values.speed === 'max') {
    throw new UsageError('--edge runs in real time: leave out --speed max', 'sim');
  }
  return simulate({
    ...(values.app === undefined ? {} : { appPath: values.app }),
    deviceCount: values.devices,
    durationMs: values.duration,
    pacing: values.speed ?? (values.edge === undefined ? 'max' : 'realtime'),
    ...(values.scenario === undefined ? {} : { scenarioPath: values.scenario }),
    seed: values.seed,
    ...(values['id-prefix'] === undefined ? {} : { idPrefix: values['id-prefix'] }),
    ...(values.edge === undefined ? {} : { edge: values.edge }),
    json: values.json,
    quiet: values.quiet,
  });
}

/** Runs the simulation, printing each device's messages; stops early, quietly, when stdout's reader goes. */
export async function simulate(run: SimRun): Promise<number> {
  if (run.edge !== undefined && run.pacing !== 'realtime') throw new UserError('a run linked to an edge must be paced in real time');
  const [{ Simulation }, { TelemetryPrinter }, { DROP_REASONS }] = await Promise.all([
    import('../sim/simulation.ts'),
    import('./telemetry-printer.ts'),
    import('../link/drop-reasons.ts'),
  ]);
  const { app, scenario } = await loadSimInputs(run);

  const printer = new TelemetryPrinter(run.json, printLine);
  let messages = 0;
  const uplinks = run.edge === undefined ? undefined : await connectToEdge(run, run.edge, (index, segment) => simulation.receiveFromEdge(index, segment));
  const simulation: InstanceType<typeof Simulation> = new Simulation({
    app,
    scenario,
    deviceCount: run.deviceCount,
    seed: run.seed,
    ...(run.idPrefix === undefined ? {} : { idPrefix: run.idPrefix }),
    onMessage: (message) => {
      messages += 1;
      if (!run.quiet) printer.print(message);
    },
    ...(uplinks === undefined ? {} : { onFrame: (index: number, frame: Uint8Array) => uplinks.send(index, frame) }),
  });
  await uplinks?.start();
  const startedMs = performance.now();
  try {
    for (let doneMs = 0; doneMs < run.durationMs; doneMs += SLICE_MS) {
      await simulation.runFor(Math.min(SLICE_MS, run.durationMs - doneMs), run.pacing);
      // A turn of the event loop, so an EPIPE on stdout is seen even when a slice never waits.
      await new Promise((resolve) => setImmediate(resolve));
      if (stdoutClosed()) return 0;
    }
  } finally {
    await uplinks?.close();
  }
  const wallS = (performance.now() - startedMs) / 1000;
  const dropped = simulation.devices.reduce((sum, _, index) => sum + totalDrops(simulation.linkStats(index), DROP_REASONS), 0);
  process.stderr.write(
    `${run.deviceCount} device(s), ${run.durationMs / 1000} s of virtual time in ${wallS.toFixed(2)} s ` +
      `(${(run.durationMs / 1000 / wallS).toFixed(0)}x real time), ${messages} messages, ${dropped} frames dropped\n`,
  );
  if (uplinks !== undefined) process.stderr.write(`${uplinks.summary()}\n`);
  return 0;
}

/** The fleet's connections to the edge; notes about reaching it go to stderr unless --quiet. */
async function connectToEdge(run: SimRun, edge: EdgeAddress, onSegment: (index: number, segment: Uint8Array) => void) {
  const { DeviceUplinks } = await import('../edge/links/device-uplinks.ts');
  return new DeviceUplinks({
    address: edge,
    addressText: formatEdgeUrl(edge),
    deviceCount: run.deviceCount,
    onSegment,
    ...(run.quiet ? {} : { onNote: (note: string) => process.stderr.write(`sim: ${note}\n`) }),
  });
}

function totalDrops(stats: Record<string, number>, reasons: readonly string[]): number {
  return reasons.reduce((sum, reason) => sum + (stats[reason] ?? 0), 0);
}
