import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flashFirmware } from '../../host/flash/flasher.ts';
import { parseBinary } from '../../host/flash/image/binary.ts';
import { pattern, testSettings, withSimulator } from './support.ts';

const KB = 1024;
const dir = mkdtempSync(path.join(tmpdir(), 'wasmote-stm32flash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs Debian's stm32flash; pseudo-terminals carry no parity and it checks its terminal flags, hence -m 8n1. */
function stm32flash(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('stm32flash', ['-b', '115200', '-m', '8n1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('stm32flash against the simulated bootloader', () => {
  it('identifies the chip, writes and verifies an image, which the simulated flash then holds', async () => {
    await withSimulator({}, async (simulator, port) => {
      await port.close();
      const image = pattern(40 * KB + 10, 7);
      const file = path.join(dir, 'image.bin');
      writeFileSync(file, image);
      const { code, output } = await stm32flash(['-w', file, '-v', simulator.portPath]);
      expect(output).toContain('Device ID    : 0x0413');
      expect(output).toMatch(/Wrote and verified address 0x0800a00a \(100.00%\) Done/);
      expect(code).toBe(0);
      expect(simulator.bootloader.memory.flash.read(0x0800_0000, image.length)).toEqual(image);
    });
  });

  it('reads back what wasmote wrote, mass erases, and starts the application', async () => {
    await withSimulator({}, async (simulator, port) => {
      const image = pattern(3 * KB, 8);
      await flashFirmware(port, parseBinary(image, 0x0800_0000), testSettings());
      await port.close();
      const out = path.join(dir, 'read.bin');
      const read = await stm32flash(['-r', out, '-S', `0x08000000:${image.length}`, simulator.portPath]);
      expect(read.code).toBe(0);
      expect(new Uint8Array(readFileSync(out))).toEqual(image);
      const erase = await stm32flash(['-o', simulator.portPath]);
      expect(erase.code).toBe(0);
      expect(simulator.bootloader.memory.flash.read(0x0800_0000, 4)).toEqual(Uint8Array.of(0xff, 0xff, 0xff, 0xff));
      const go = await stm32flash(['-g', '0x08000000', simulator.portPath]);
      expect(go.code).toBe(0);
      expect(simulator.bootloader.state).toEqual({ mode: 'running', address: 0x0800_0000 });
    });
  });

  it('writes an F1 through the legacy Erase command', async () => {
    await withSimulator({ part: 'stm32f103c8' }, async (simulator, port) => {
      await port.close();
      const image = pattern(5 * KB, 9);
      const file = path.join(dir, 'f1.bin');
      writeFileSync(file, image);
      const { code, output } = await stm32flash(['-w', file, '-v', simulator.portPath]);
      expect(output).toContain('Device ID    : 0x0410');
      expect(code).toBe(0);
      expect(simulator.bootloader.memory.flash.read(0x0800_0000, image.length)).toEqual(image);
    });
  });
});
