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
function runFlasherProcess(portPath: string, imagePath: string): Promise<FlasherTimings> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FLASHER_PROCESS, portPath, imagePath], { stdio: ['ignore', 'pipe', 'pipe'] });
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

/**
 * The flasher at 115200 baud against the simulated F405 bootloader, paced at 8E1 with datasheet flash timings:
 * a 256 KB image's write speed (erase and verify timed apart) against the line rate, and stm32flash writing the
 * same image through the same simulator in the same run. Both flashers run as processes of their own, beside the
 * bench's process where the simulator has a thread.
 */
export async function benchFlasher(): Promise<Record<string, number>> {
  const data = image();
  const lineRateKBps = BAUD / bitsPerByte('even') / KB;
  const simulator = await BootloaderThread.start({ part: PART, baudRate: BAUD, parity: 'even', realTime: true });
  const dir = await mkdtemp(path.join(tmpdir(), 'wasmote-bench-'));
  try {
    const file = path.join(dir, 'image.bin');
    await writeFile(file, data);
    const report = await runFlasherProcess(simulator.portPath, file);
    const writeKBps = IMAGE_BYTES / KB / (report.writeMs / MS_PER_S);
    const wasmoteWritten = await simulator.read(FLASH_BASE, IMAGE_BYTES);
    if (!wasmoteWritten.every((byte, i) => byte === data[i])) throw new Error('wasmote did not write the image');

    await simulator.fresh();
    const stm32flashConnectMs = await timeStm32flash([simulator.portPath]);
    await simulator.fresh();
    const stm32flashTotalMs = await timeStm32flash(['-e', '0', '-w', file, simulator.portPath]);
    const stm32flashWriteS = (stm32flashTotalMs - stm32flashConnectMs) / MS_PER_S;
    const written = await simulator.read(FLASH_BASE, IMAGE_BYTES);
    if (!written.every((byte, i) => byte === data[i])) throw new Error('stm32flash did not write the image');

    const stm32flashWriteKBps = IMAGE_BYTES / KB / stm32flashWriteS;
    return {
      imageKB: IMAGE_BYTES / KB,
      baud: BAUD,
      writeS: report.writeMs / MS_PER_S,
      writeKBps,
      lineRateKBps,
      writeEfficiency: writeKBps / lineRateKBps,
      eraseS: report.eraseMs / MS_PER_S,
      verifyS: report.verifyMs / MS_PER_S,
      recoveries: report.recoveries,
      stm32flashWriteS,
      stm32flashWriteKBps,
      stm32flashWriteEfficiency: stm32flashWriteKBps / lineRateKBps,
      simulatorTransitInMs: simulator.transit.inMs,
      simulatorTransitBackAfterCommandMs: simulator.transit.backAfterCommandMs,
      simulatorTransitBackAfterBlockMs: simulator.transit.backAfterBlockMs,
    };
  } finally {
    await simulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}
