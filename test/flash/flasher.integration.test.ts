import { describe, expect, it } from 'vitest';
import { FlasherError, PlanError, PortError } from '../../host/flash/errors.ts';
import { flashFirmware } from '../../host/flash/flasher.ts';
import { parseBinary } from '../../host/flash/image/binary.ts';
import { parseElf } from '../../host/flash/image/elf.ts';
import { parseIntelHex } from '../../host/flash/image/intel-hex.ts';
import type { BootloaderPort } from '../../host/flash/port.ts';
import { readMemory } from '../../host/flash/protocol/read-memory.ts';
import { SerialBootloaderPort } from '../../host/flash/serial-port.ts';
import { TEST_TIMEOUTS, pattern, testSettings, toElf, toIntelHex, withSimulator } from './support.ts';

const KB = 1024;
const WRITE_MEMORY = 0x31;
const FLASH = 0x0800_0000;

async function readBack(port: BootloaderPort, address: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += 256) {
    out.set(await readMemory(port, address + offset, Math.min(256, length - offset), TEST_TIMEOUTS), offset);
  }
  return out;
}

describe('flashing the simulated bootloader over a socat pty pair', () => {
  it('writes a binary and reads it back equal', async () => {
    await withSimulator({}, async (simulator, port) => {
      const data = pattern(20 * KB + 6);
      const report = await flashFirmware(port, parseBinary(data, FLASH), testSettings());
      expect(report.recoveries).toBe(0);
      expect(report.target.productId).toBe(0x413);
      expect(report.target.flashBytes).toBe(1024 * KB);
      expect(await readBack(port, FLASH, data.length)).toEqual(data);
      expect(simulator.bootloader.memory.flash.read(FLASH + data.length, 2)).toEqual(Uint8Array.of(0xff, 0xff));
    });
  });

  it('writes an Intel HEX file with gaps and reads every segment back equal', async () => {
    await withSimulator({}, async (_simulator, port) => {
      const segments = [
        { address: FLASH, data: pattern(1000, 2) },
        { address: FLASH + 0x1_0010, data: pattern(700, 3) },
        { address: FLASH + 0x2_0003, data: pattern(5, 4) },
      ];
      const image = parseIntelHex(toIntelHex(segments));
      await flashFirmware(port, image, testSettings());
      for (const { address, data } of segments) expect(await readBack(port, address, data.length)).toEqual(data);
      expect(await readBack(port, FLASH + 1000, 4)).toEqual(Uint8Array.of(0xff, 0xff, 0xff, 0xff));
    });
  });

  it('writes an ELF file at its load addresses and reads it back equal', async () => {
    await withSimulator({}, async (_simulator, port) => {
      const text = pattern(3000, 5);
      const data = pattern(64, 6);
      const image = parseElf(toElf([{ address: FLASH, data: text }, { address: FLASH + 3000, data }]));
      await flashFirmware(port, image, testSettings());
      expect(await readBack(port, FLASH, 3064)).toEqual(Uint8Array.from([...text, ...data]));
    });
  });

  it('erases only touched sectors, or everything with erase all', async () => {
    await withSimulator({}, async (simulator, port) => {
      const { flash } = simulator.bootloader.memory;
      flash.program(0x0808_0000, Uint8Array.of(1, 2, 3, 4));
      await flashFirmware(port, parseBinary(pattern(4 * KB), FLASH), testSettings());
      expect(flash.read(0x0808_0000, 4)).toEqual(Uint8Array.of(1, 2, 3, 4));
      await flashFirmware(port, parseBinary(pattern(4 * KB, 9), FLASH), testSettings({ erase: 'all' }));
      expect(flash.read(0x0808_0000, 4)).toEqual(Uint8Array.of(0xff, 0xff, 0xff, 0xff));
      expect(flash.read(FLASH, 4 * KB)).toEqual(pattern(4 * KB, 9));
    });
  });

  it('works with the legacy Erase command of an F1 bootloader', async () => {
    await withSimulator({ part: 'stm32f103c8' }, async (_simulator, port) => {
      const data = pattern(3 * KB);
      const report = await flashFirmware(port, parseBinary(data, FLASH), testSettings());
      expect(report.target.chip?.family).toBe('F1');
      expect(report.plan.erase).toHaveLength(3);
      expect(await readBack(port, FLASH, data.length)).toEqual(data);
    });
  });

  it('reports a verify failure with the address and both values', async () => {
    await withSimulator({}, async (simulator, port) => {
      simulator.bootloader.memory.flash.stuckBits.set(FLASH + 0x123, 0x80);
      const data = new Uint8Array(1 * KB);
      await expect(flashFirmware(port, parseBinary(data, FLASH), testSettings())).rejects.toThrow(
        'verify failed at 0x08000123: wrote 0x00, read back 0x80',
      );
    });
  });

  it('recovers from injected NACKs, lost ACKs, lost data bytes and garbage', async () => {
    await withSimulator({}, async (simulator, port) => {
      const { faults } = simulator;
      faults.inject({ kind: 'nack' }, { command: WRITE_MEMORY, occurrence: 3 });
      faults.inject({ kind: 'drop-sent', count: 1, skip: 2 }, { command: WRITE_MEMORY, occurrence: 6 });
      faults.inject({ kind: 'drop-received', count: 3, skip: 20 }, { command: WRITE_MEMORY, occurrence: 9 });
      faults.inject({ kind: 'garbage', bytes: [0x55, 0x00] }, { command: WRITE_MEMORY, occurrence: 12 });
      const data = pattern(8 * KB);
      const report = await flashFirmware(port, parseBinary(data, FLASH), testSettings());
      expect(report.recoveries).toBe(4);
      expect(faults.committed).toBe(6);
      expect(await readBack(port, FLASH, data.length)).toEqual(data);
    });
  });

  it('recovers from random faults at a steady rate', async () => {
    await withSimulator({ faultRates: { nack: 0.02, drop: 0.0002, garbage: 0.01 }, seed: 3 }, async (simulator, port) => {
      const data = pattern(8 * KB);
      const report = await flashFirmware(port, parseBinary(data, FLASH), testSettings({ attempts: 8 }));
      expect(simulator.faults.committed).toBeGreaterThan(0);
      expect(report.recoveries).toBeGreaterThan(0);
      expect(simulator.bootloader.memory.flash.read(FLASH, data.length)).toEqual(data);
    });
  });

  it('gives up on a bootloader gone silent, naming the address, the attempts and the cause, and flashes once it is back', async () => {
    await withSimulator({}, async (simulator, port) => {
      simulator.faults.inject({ kind: 'silence' }, { command: WRITE_MEMORY, occurrence: 5 });
      const data = pattern(4 * KB);
      await expect(flashFirmware(port, parseBinary(data, FLASH), testSettings({ attempts: 2 }))).rejects.toThrow(
        /^writing 0x08000400 failed after 2 attempts: sync: the bootloader does not answer 0x7F/,
      );
      simulator.faults.clear();
      await flashFirmware(port, parseBinary(data, FLASH), testSettings());
      expect(simulator.bootloader.memory.flash.read(FLASH, data.length)).toEqual(data);
    });
  });

  it('finishes an interrupted flash on a second run', async () => {
    await withSimulator({}, async (simulator, port) => {
      const data = pattern(12 * KB);
      // The host dies half-way through the data of the 20th block: the bootloader is left inside a frame.
      let writes = 0;
      const dying: BootloaderPort = {
        write: async (bytes) => {
          if (bytes.length > 200 && ++writes === 20) {
            await port.write(bytes.subarray(0, 100));
            throw new PortError('unplugged');
          }
          await port.write(bytes);
        },
        // Replies go through this port's write, so that the dying one is among them.
        read: async (length, timeoutMs, reply) => {
          const bytes = await port.read(length, timeoutMs);
          if (reply && bytes[0] === reply.onByte) await dying.write(reply.bytes);
          return bytes;
        },
        setSignals: (signals) => port.setSignals(signals),
        flush: () => port.flush(),
        close: () => port.close(),
      };
      await expect(flashFirmware(dying, parseBinary(data, FLASH), testSettings())).rejects.toThrow('unplugged');
      expect(simulator.bootloader.memory.flash.read(FLASH + 19 * 256, 256)).not.toEqual(data.subarray(19 * 256, 20 * 256));
      await port.close();
      const second = await SerialBootloaderPort.open({ path: simulator.portPath, baudRate: 115200, parity: 'even' });
      try {
        const report = await flashFirmware(second, parseBinary(data, FLASH), testSettings());
        expect(report.recoveries).toBe(0);
      } finally {
        await second.close();
      }
      expect(simulator.bootloader.memory.flash.read(FLASH, data.length)).toEqual(data);
    });
  });

  it('refuses a wrong chip before erasing anything', async () => {
    await withSimulator({ part: 'stm32f103c8' }, async (simulator, port) => {
      const { flash } = simulator.bootloader.memory;
      flash.program(FLASH, Uint8Array.of(1, 2, 3, 4));
      const error = await flashFirmware(port, parseBinary(pattern(KB), FLASH), testSettings({ expectedProductId: 0x413 })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PlanError);
      expect((error as Error).message).toBe(
        'wrong chip: the bootloader reports product ID 0x410 (STM32F10x medium-density), not 0x413 (STM32F405/407/415/417)',
      );
      expect(flash.read(FLASH, 4)).toEqual(Uint8Array.of(1, 2, 3, 4));
    });
  });

  it('refuses an oversize image, or one linked for another address, before erasing anything', async () => {
    await withSimulator({ part: 'stm32f401xb' }, async (simulator, port) => {
      const { flash } = simulator.bootloader.memory;
      flash.program(FLASH, Uint8Array.of(1, 2, 3, 4));
      await expect(flashFirmware(port, parseBinary(pattern(129 * KB), FLASH), testSettings())).rejects.toThrow(/does not fit: .* 1024 bytes past the end of the 128 KB flash/);
      await expect(flashFirmware(port, parseElf(toElf([{ address: 0, data: pattern(64) }])), testSettings())).rejects.toThrow(/linked for another address/);
      expect(flash.read(FLASH, 4)).toEqual(Uint8Array.of(1, 2, 3, 4));
    });
  });

  it('refuses a read-protected chip unless asked to unprotect it, then flashes it', async () => {
    await withSimulator({}, async (simulator, port) => {
      simulator.bootloader.protection.readoutLevel = 1;
      await expect(flashFirmware(port, parseBinary(pattern(KB), FLASH), testSettings())).rejects.toThrow(/read-protected.*--readout-unprotect/);
      const data = pattern(2 * KB);
      await flashFirmware(port, parseBinary(data, FLASH), testSettings({ readoutUnprotect: true }));
      expect(simulator.bootloader.protection.readoutLevel).toBe(0);
      expect(simulator.bootloader.memory.flash.read(FLASH, data.length)).toEqual(data);
    });
  });

  it('says how to get past write protection, and gets past it when asked', async () => {
    await withSimulator({}, async (simulator, port) => {
      simulator.bootloader.memory.flash.writeProtected.add(1);
      const data = pattern(20 * KB);
      const error = await flashFirmware(port, parseBinary(data, FLASH), testSettings({ attempts: 2 })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FlasherError);
      expect((error as Error).message).toMatch(/^erasing sector 1 at 0x08004000 failed after 2 attempts: .*NACK.*--write-unprotect/);
      await flashFirmware(port, parseBinary(data, FLASH), testSettings({ writeUnprotect: true }));
      expect(simulator.bootloader.memory.flash.read(FLASH, data.length)).toEqual(data);
    });
  });

  it('starts the application with Go', async () => {
    await withSimulator({}, async (simulator, port) => {
      await flashFirmware(port, parseBinary(pattern(KB), FLASH), testSettings({ go: true, verify: false }));
      expect(simulator.bootloader.state).toEqual({ mode: 'running', address: FLASH });
    });
  });

  it('takes at least line time at 115200 baud 8E1 with pacing on', async () => {
    await withSimulator({ realTime: true }, async (_simulator, port) => {
      const startMs = performance.now();
      const report = await flashFirmware(port, parseBinary(pattern(4 * KB), FLASH), testSettings({ verify: false, timeouts: { ...TEST_TIMEOUTS, writeBlockMs: 1000 } }));
      const elapsedMs = performance.now() - startMs;
      // 16 blocks of 265 bytes out and 3 ACKs back, 11 bits a byte, plus 1 ms of programming each (F4, x32).
      const writeLineMs = (16 * 268 * 11 * 1000) / 115200;
      // Erase of one 16 KB sector: 250 ms typical.
      const eraseMs = 250;
      // Only the floor is a fact: how much a busy machine adds is the bench's to measure (npm run bench -- --only flasher).
      // It holds for the whole flash, from an idle line: a phase alone may start on an answer that came late,
      // which puts the next answer early by as much (host/flash/simulator/device-line.ts). The 16 ms of
      // programming are left as room for the pty's jitter.
      expect(elapsedMs).toBeGreaterThan(eraseMs + writeLineMs);
      expect(report.eraseMs + report.writeMs).toBeLessThanOrEqual(elapsedMs);
    });
  });
});
