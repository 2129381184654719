import { parseArgs } from 'node:util';
import { benchFirmware } from '../../bench/firmware.ts';
import { benchFlasher } from '../../bench/flasher.ts';
import { benchLinkDecoder } from '../../bench/link-decoder.ts';
import { benchSimulator } from '../../bench/simulator.ts';
import { compileAllApps } from '../build/compile-app.ts';
import { UsageError } from './errors.ts';
import type { Subcommand } from './main.ts';

const SUITES = {
  simulator: benchSimulator,
  link: benchLinkDecoder,
  flasher: benchFlasher,
  firmware: benchFirmware,
} as const;
type SuiteName = keyof typeof SUITES;

const HELP = `Usage: wasmote bench [--only ${Object.keys(SUITES).join('|')}]

Measures wasmote and prints the figures as one JSON object (progress on stderr):
  simulator  virtual seconds per wall second for one device; devices at 1 Hz that keep up with real time
  link       device-link encoder and decoder frames per second, decoder fuzzing throughput
  flasher    AN3155 write speed at 115200 baud against the simulated bootloader, beside stm32flash
  firmware   wasm2c vs plain C instruction counts under QEMU -icount; image footprint`;

export const benchCommand: Subcommand = {
  summary: 'measure the simulator, link, flasher and firmware; print JSON figures',
  async run(args) {
    let values: { only?: string; help?: boolean };
    try {
      ({ values } = parseArgs({ args, options: { only: { type: 'string' }, help: { type: 'boolean' } }, strict: true }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (values.only !== undefined && !(values.only in SUITES)) {
      throw new UsageError(`--only '${values.only}' is not one of ${Object.keys(SUITES).join(', ')}`);
    }
    const names = values.only === undefined ? (Object.keys(SUITES) as SuiteName[]) : [values.only as SuiteName];
    process.stderr.write('bench: building apps\n');
    await compileAllApps();
    const figures: Record<string, Record<string, number>> = {};
    for (const name of names) {
      process.stderr.write(`bench: ${name}\n`);
      figures[name] = await SUITES[name]();
    }
    console.log(JSON.stringify(figures, null, 2));
    return 0;
  },
};
