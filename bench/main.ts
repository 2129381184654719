/**
 * `npm run bench`: measures wasmote and prints the figures as one JSON object on stdout, progress on stderr.
 * `npm run bench -- --only startup,link` runs some suites.
 */
import { parseArgs } from 'node:util';
import { compileAllApps } from '../host/build/compile-app.ts';
import { benchDashboard } from './dashboard.ts';
import { benchEdge } from './edge.ts';
import { benchFirmware } from './firmware.ts';
import { benchFlasher } from './flasher.ts';
import { benchInference } from './inference.ts';
import { benchInterpFuzz } from './interp-fuzz.ts';
import { benchLinkDecoder } from './link-decoder.ts';
import { benchOutbox } from './outbox.ts';
import { benchSimulator } from './simulator.ts';
import { benchStartup } from './startup.ts';

const SUITES: Record<string, { about: string; run: () => Promise<Record<string, number>> }> = {
  startup: { about: 'CLI start-up and --help as multiples of `node -e 0`; `wasmote build` against the asc CLI', run: benchStartup },
  simulator: { about: 'virtual seconds per wall second for one device; devices at 1 Hz that keep up with real time', run: benchSimulator },
  link: { about: 'device-link encoder and decoder frames per second, decoder fuzzing throughput', run: benchLinkDecoder },
  flasher: { about: 'AN3155 write speed at 115200 baud against the simulated bootloader, beside stm32flash', run: benchFlasher },
  outbox: { about: 'edge outbox (SQLite) drained to a NATS JetStream sink: messages/s, p50/p99 latency, against NATS alone', run: benchOutbox },
  edge: {
    about: 'recorded device frames over TCP → edge → Mosquitto, outbox → NATS: DATA msg/s, p50/p99, against the broker alone; inference on vs off',
    run: benchEdge,
  },
  inference: { about: 'edge anomaly detector on onnxruntime (CPU): windows/s and run() latency per batch size, the runtime path', run: benchInference },
  dashboard: {
    about: 'the dashboard in Chromium with 1,000 devices at 1 Hz, 30 s per view: longest main-thread task, chart fps, JS heap start/end',
    run: benchDashboard,
  },
  firmware: { about: 'wasm2c and the interpreter vs plain C instruction counts under QEMU -icount; footprint, load', run: benchFirmware },
  'interp-fuzz': { about: 'the interpreter against V8 on 1000 wasm-opt -ttf modules, its validator on 3000 mutants', run: benchInterpFuzz },
};

const HELP = `Usage: npm run bench [-- --only <suite>[,<suite>…]]

Measures wasmote and prints the figures as one JSON object (progress on stderr). Suites:
${Object.entries(SUITES)
  .map(([name, { about }]) => `  ${name.padEnd(10)} ${about}`)
  .join('\n')}`;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, help: { type: 'boolean' } }, strict: true });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const names = values.only === undefined ? Object.keys(SUITES) : values.only.split(',');
  const unknown = names.filter((name) => !(name in SUITES));
  if (unknown.length > 0) {
    console.error(`bench: unknown suite ${unknown.join(', ')}; the suites are ${Object.keys(SUITES).join(', ')}`);
    return 2;
  }
  process.stderr.write('bench: building apps\n');
  await compileAllApps();
  const figures: Record<string, Record<string, number>> = {};
  for (const name of names) {
    process.stderr.write(`bench: ${name}\n`);
    figures[name] = await SUITES[name]!.run();
  }
  console.log(JSON.stringify(figures, null, 2));
  return 0;
}

process.exitCode = await main();
