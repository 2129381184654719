import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bitsPerByte } from '../host/flash/port.ts';
import { BootloaderThread } from './bootloader-thread.ts';
import type { FlasherTimings } from './flasher-process.ts';

const BAUD = 115200;
const KB = 1024;
const IMAGE_BYTES = 256 * KB;
const FLASH_BASE = 0x0800_0000;
const PART = 'stm32f405';
const MS_PER_S = 1000;

/** Deterministic, non-trivial image bytes. */
function image(): Uint8Array {
  return Uint8Array.from({ length: IMAGE_BYTES }, (_, i) => (i * 131 + (i >> 9)) & 0xff);
}

const FLASHER_PROCESS = fileURLToPath(new URL('./flasher-process.ts', import.meta.url));

/** wasmote's flasher in a process of its own, as stm32flash is: its report's timings. */
function runFlasherProcess(portPath: string, imagePath: string, verify: boolean): Promise<FlasherTimings> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', FLASHER_PROCESS, portPath, imagePath, ...(verify ? ['verify'] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(output) as FlasherTimings) : reject(new Error(`the flasher process exited ${code}: ${errors}`)),
    );
  });
}

/** Milliseconds stm32flash takes with these arguments; throws unless it exits 0. */
function timeStm32flash(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const startMs = performance.now();
    // Pseudo-terminals carry no parity and stm32flash checks its terminal flags: -m 8n1 (the simulator still
    // paces 8E1, 11 bits a byte).
    const child = spawn('stm32flash', ['-b', String(BAUD), '-m', '8n1', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(performance.now() - startMs) : reject(new Error(`stm32flash ${args.join(' ')} exited ${code}: ${errors}`)),
    );
  });
}

/** Rounds of both flashers, alternated, so that both meet the machine's noisy spells alike. */
const ROUNDS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

/** Throws unless the simulated flash holds `data` at the flash base. */
async function checkWritten(simulator: BootloaderThread, data: Uint8Array, who: string): Promise<void> {
  const written = await simulator.read(FLASH_BASE, data.length);
  if (!written.every((byte, i) => byte === data[i])) throw new Error(`${who} did not write the image`);
}

/**
 * The flasher at 115200 baud against the simulated F405 bootloader, paced at 8E1 with datasheet flash timings:
 * a 256 KB image's write speed (erase and verify timed apart) against the line rate, and stm32flash writing the
 * same image through the same simulator in the same run. Both flashers run as processes of their own, beside the
 * bench's process where the simulator has a thread, in ROUNDS alternated rounds from a freshly erased chip; the
 * figures are the fastest round (the cost of the flash itself, on a machine whose other load comes and goes)
 * and the median one. The first round also verifies.
 */
export async function benchFlasher(): Promise<Record<string, number>> {
  const data = image();
  const lineRateKBps = BAUD / bitsPerByte('even') / KB;
  const efficiency = (writeS: number): number => IMAGE_BYTES / KB / writeS / lineRateKBps;
  const simulator = await BootloaderThread.start({ part: PART, baudRate: BAUD, parity: 'even', realTime: true });
  const dir = await mkdtemp(path.join(tmpdir(), 'wasmote-bench-'));
  try {
    const file = path.join(dir, 'image.bin');
    await writeFile(file, data);
    const wasmote: FlasherTimings[] = [];
    const stm32flashWriteS: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await simulator.fresh();
      wasmote.push(await runFlasherProcess(simulator.portPath, file, round === 0));
      await checkWritten(simulator, data, 'wasmote');

      await simulator.fresh();
      const connectMs = await timeStm32flash([simulator.portPath]);
      await simulator.fresh();
      const totalMs = await timeStm32flash(['-e', '0', '-w', file, simulator.portPath]);
      stm32flashWriteS.push((totalMs - connectMs) / MS_PER_S);
      await checkWritten(simulator, data, 'stm32flash');
    }
    const writeS = wasmote.map((timings) => timings.writeMs / MS_PER_S);
    const bestWriteS = Math.min(...writeS);
    const bestStm32flashWriteS = Math.min(...stm32flashWriteS);
    return {
      imageKB: IMAGE_BYTES / KB,
      baud: BAUD,
      rounds: ROUNDS,
      writeS: bestWriteS,
      writeKBps: IMAGE_BYTES / KB / bestWriteS,
      lineRateKBps,
      writeEfficiency: efficiency(bestWriteS),
      writeEfficiencyMedian: efficiency(median(writeS)),
      eraseS: wasmote[0]!.eraseMs / MS_PER_S,
      verifyS: wasmote[0]!.verifyMs / MS_PER_S,
      recoveries: wasmote.reduce((sum, timings) => sum + timings.recoveries, 0),
      stm32flashWriteS: bestStm32flashWriteS,
      stm32flashWriteKBps: IMAGE_BYTES / KB / bestStm32flashWriteS,
      stm32flashWriteEfficiency: efficiency(bestStm32flashWriteS),
      stm32flashWriteEfficiencyMedian: efficiency(median(stm32flashWriteS)),
      simulatorTransitInMs: simulator.transit.inMs,
      simulatorTransitBackAfterCommandMs: simulator.transit.backAfterCommandMs,
      simulatorTransitBackAfterBlockMs: simulator.transit.backAfterBlockMs,
    };
  } finally {
    await simulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}
