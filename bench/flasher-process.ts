/**
 * wasmote's flasher as a process of its own, for the flasher bench: stm32flash runs as a program beside the
 * simulated bootloader, and so does this. Usage: node --import tsx bench/flasher-process.ts <port> <image.bin>
 * [verify]; prints the flash report's timings as JSON.
 */
import { readFile } from 'node:fs/promises';
import { systemClock } from '../host/flash/clock.ts';
import { flashFirmware } from '../host/flash/flasher.ts';
import { parseBinary } from '../host/flash/image/binary.ts';
import { silentProgress } from '../host/flash/progress.ts';
import { DEFAULT_TIMEOUTS } from '../host/flash/protocol/timeouts.ts';
import { SerialBootloaderPort } from '../host/flash/serial-port.ts';

const FLASH_BASE = 0x0800_0000;
const ATTEMPTS = 5;

/** The timings the bench reads from this process's output. */
export interface FlasherTimings {
  writeMs: number;
  eraseMs: number;
  verifyMs: number;
  recoveries: number;
}

async function flash(portPath: string, imagePath: string, verify: boolean): Promise<FlasherTimings> {
  const image = parseBinary(new Uint8Array(await readFile(imagePath)), FLASH_BASE);
  const port = await SerialBootloaderPort.open({ path: portPath, baudRate: 115200, parity: 'even' });
  try {
    const report = await flashFirmware(port, image, {
      erase: 'touched',
      verify,
      go: false,
      writeUnprotect: false,
      readoutUnprotect: false,
      attempts: ATTEMPTS,
      timeouts: DEFAULT_TIMEOUTS,
      progress: silentProgress,
      clock: systemClock,
    });
    return { writeMs: report.writeMs, eraseMs: report.eraseMs, verifyMs: report.verifyMs, recoveries: report.recoveries };
  } finally {
    await port.close();
  }
}

const [portPath, imagePath, verify] = process.argv.slice(2);
if (!portPath || !imagePath) throw new Error('usage: flasher-process.ts <port> <image.bin> [verify]');
console.log(JSON.stringify(await flash(portPath, imagePath, verify === 'verify')));
