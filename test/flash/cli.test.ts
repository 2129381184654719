import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { autoDetect, type PortInfo } from '@serialport/bindings-cpp';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UsageError, UserError } from '../../host/cli/errors.ts';
import { runFlash } from '../../host/cli/flash.ts';
import { pattern, toIntelHex, withSimulator } from './support.ts';

/** A port as the binding lists it with nothing known beyond its path. */
const NO_DETAILS: PortInfo = {
  path: '',
  manufacturer: undefined,
  serialNumber: undefined,
  pnpId: undefined,
  locationId: undefined,
  vendorId: undefined,
  productId: undefined,
};

const dir = mkdtempSync(path.join(tmpdir(), 'wasmote-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let printed: string[];
beforeEach(() => {
  printed = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

describe('wasmote flash', () => {
  it('prints its help', async () => {
    expect(await runFlash(['--help'])).toBe(0);
    expect(printed.join('\n')).toMatch(/Usage: wasmote flash --port <path> <image\.bin\|\.hex\|\.elf>/);
    expect(printed.join('\n')).toContain('--reset-sequence');
    expect(await runFlash(['simulate', '--help'])).toBe(0);
  });

  it('turns bad command lines into usage errors', async () => {
    await expect(runFlash(['--bogus'])).rejects.toBeInstanceOf(UsageError);
    await expect(runFlash(['fw.bin'])).rejects.toThrow('--port is required');
    await expect(runFlash(['--info'])).rejects.toThrow('--port is required');
    await expect(runFlash(['--port', '/dev/null'])).rejects.toThrow(/give one image file/);
    await expect(runFlash(['--port', '/dev/null', '--erase', 'some', 'fw.bin'])).rejects.toThrow(/--erase 'some' must be one of touched, all/);
    await expect(runFlash(['--port', '/dev/null', '--chip', 'z80', 'fw.bin'])).rejects.toThrow(/--chip 'z80'/);
  });

  it('refuses a missing file and a port that cannot be opened as user errors, before touching a board', async () => {
    await expect(runFlash(['--port', '/dev/null', path.join(dir, 'missing.bin')])).rejects.toThrow(/cannot read/);
    writeFileSync(path.join(dir, 'ok.bin'), pattern(16));
    const error = await runFlash(['--port', path.join(dir, 'no-such-port'), path.join(dir, 'ok.bin')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/cannot open/);
  });

  it('lists the serial ports the binding reports, one a line, with USB IDs and details when known', async () => {
    const list = vi.spyOn(autoDetect(), 'list').mockResolvedValue([
      { ...NO_DETAILS, path: '/dev/ttyUSB0', manufacturer: 'FTDI', serialNumber: 'A10K3XQ2', vendorId: '0403', productId: '6001' },
      { ...NO_DETAILS, path: '/dev/ttyS0' },
      { ...NO_DETAILS, path: '/dev/ttyACM0', manufacturer: 'STMicroelectronics', vendorId: '0483', productId: '374b' },
    ]);
    expect(await runFlash(['--list'])).toBe(0);
    expect(list).toHaveBeenCalledOnce();
    expect(printed).toEqual([
      '/dev/ttyUSB0 [0403:6001]  FTDI A10K3XQ2',
      '/dev/ttyS0',
      '/dev/ttyACM0 [0483:374b]  STMicroelectronics',
    ]);
  });

  it('says so when the binding lists no serial port', async () => {
    vi.spyOn(autoDetect(), 'list').mockResolvedValue([]);
    expect(await runFlash(['--list'])).toBe(0);
    expect(printed).toEqual(['no serial ports found']);
  });

  it('names udevadm when the binding cannot run it to list ports', async () => {
    const missing = Object.assign(new Error('spawn udevadm ENOENT'), { code: 'ENOENT' });
    vi.spyOn(autoDetect(), 'list').mockRejectedValue(missing);
    const error = await runFlash(['--list']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe('listing serial ports needs udevadm, which is not installed (Debian: apt-get install udev)');
  });

  it('shows bootloader, chip, flash and protection with --info', async () => {
    await withSimulator({}, async (simulator, port) => {
      await port.close();
      expect(await runFlash(['--port', simulator.portPath, '--info'])).toBe(0);
      const text = printed.join('\n');
      expect(text).toContain('bootloader  version 3.1; commands Get, GetVersion, GetId, ReadMemory, Go, WriteMemory, ExtendedErase');
      expect(text).toContain('chip        product ID 0x413 STM32F405/407/415/417 (F4)');
      expect(text).toContain('flash       1024 KB at 0x08000000; sectors 4×16 KB, 1×64 KB, 7×128 KB');
      expect(text).toContain('protection  readout protection off');
    });
  });

  it('flashes a HEX file with --verify and --chip, and refuses the wrong chip or address', async () => {
    await withSimulator({}, async (simulator, port) => {
      await port.close();
      const data = pattern(5000);
      const file = path.join(dir, 'fw.hex');
      writeFileSync(file, toIntelHex([{ address: 0x0800_0000, data }]));
      expect(await runFlash(['--port', simulator.linkPath, '--verify', '--chip', 'stm32f405', file])).toBe(0);
      expect(printed.at(-1)).toBe('flashed 5000 bytes to STM32F405/407/415/417, verified');
      expect(simulator.bootloader.memory.flash.read(0x0800_0000, data.length)).toEqual(data);
      await expect(runFlash(['--port', simulator.portPath, '--chip', '0x410', file])).rejects.toThrow(/wrong chip/);
      await expect(runFlash(['--port', simulator.portPath, '--address', '0x08004000', file])).rejects.toThrow(
        /linked for 0x08000000, not --address 0x08004000/,
      );
    });
  });

  it('explains that a pseudo-terminal cannot drive a reset sequence', async () => {
    await withSimulator({}, async (simulator, port) => {
      await port.close();
      await expect(runFlash(['--port', simulator.portPath, '--reset-sequence', 'dtr-rts', '--info'])).rejects.toThrow(
        /cannot drive DTR\/RTS .*--reset-sequence none/,
      );
    });
  });
});
