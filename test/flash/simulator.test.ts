import { describe, expect, it } from 'vitest';
import { chipById } from '../../host/flash/chips.ts';
import { FaultInjector } from '../../host/flash/simulator/faults.ts';
import { FlashMemory } from '../../host/flash/simulator/flash-memory.ts';
import { withSimulator } from './support.ts';

const KB = 1024;
const ACK = 0x79;
const NACK = 0x1f;
/** How many times the wire's time a paced exchange may take on a loaded host before it is the pacing's fault. */
const SLOWER_THAN_WIRE_MAX = 4;

describe('simulated flash', () => {
  const f405 = chipById(0x413)!;

  it('erases to 0xFF and programs only erased bytes', () => {
    const flash = new FlashMemory(f405, 1024 * KB);
    expect(flash.read(0x0800_0000, 4)).toEqual(Uint8Array.of(0xff, 0xff, 0xff, 0xff));
    expect(flash.program(0x0800_0000, Uint8Array.of(0x12, 0x34, 0x56, 0x78))).toBe('ok');
    expect(flash.program(0x0800_0000, Uint8Array.of(0x12, 0x34, 0x56, 0x78))).toBe('ok');
    expect(flash.program(0x0800_0000, Uint8Array.of(0xff, 0x34, 0x56, 0x79))).toBe('not-erased');
    expect(flash.read(0x0800_0000, 4)).toEqual(Uint8Array.of(0x12, 0x34, 0x56, 0x78));
    expect(flash.eraseSectors([0])).toBe('ok');
    expect(flash.read(0x0800_0000, 4)).toEqual(Uint8Array.of(0xff, 0xff, 0xff, 0xff));
  });

  it('erases whole sectors and nothing beyond', () => {
    const flash = new FlashMemory(f405, 1024 * KB);
    flash.program(0x0800_3ffc, Uint8Array.of(1, 2, 3, 4));
    flash.program(0x0800_4000, Uint8Array.of(5, 6, 7, 8));
    expect(flash.eraseSectors([1])).toBe('ok');
    expect(flash.read(0x0800_3ffc, 8)).toEqual(Uint8Array.of(1, 2, 3, 4, 0xff, 0xff, 0xff, 0xff));
    expect(flash.eraseSectors([12])).toBe('no-such-sector');
  });

  it('refuses to erase or program write-protected sectors, and mass erase while any is', () => {
    const flash = new FlashMemory(f405, 1024 * KB);
    flash.writeProtected.add(5);
    expect(flash.eraseSectors([4, 5])).toBe('protected');
    expect(flash.program(0x0802_0000, Uint8Array.of(0, 0, 0, 0))).toBe('protected');
    expect(flash.massErase()).toBe('protected');
  });

  it('has stuck bits for verify tests', () => {
    const flash = new FlashMemory(f405, 1024 * KB);
    flash.stuckBits.set(0x0800_0002, 0x10);
    flash.program(0x0800_0000, Uint8Array.of(0, 0, 0, 0));
    expect(flash.read(0x0800_0000, 4)).toEqual(Uint8Array.of(0, 0, 0x10, 0));
  });
});

describe('fault injector', () => {
  it('NACKs the chosen occurrence of a command', () => {
    const faults = new FaultInjector();
    faults.inject({ kind: 'nack' }, { command: 0x31, occurrence: 2 });
    expect([faults.onCommand(0x31), faults.onCommand(0x11), faults.onCommand(0x31), faults.onCommand(0x31)]).toEqual([false, false, true, false]);
  });

  it('drops bytes after a skip, and prepends garbage once', () => {
    const faults = new FaultInjector();
    faults.inject({ kind: 'drop-sent', count: 1, skip: 2 });
    faults.inject({ kind: 'garbage', bytes: [0xaa] });
    expect([...faults.filterSent(Uint8Array.of(1, 2, 3, 4))]).toEqual([0xaa, 1, 2, 4]);
    expect([...faults.filterSent(Uint8Array.of(5))]).toEqual([5]);
    expect(faults.committed).toBe(2);
  });

  it('replays the same random faults for the same seed', () => {
    const run = (seed: number) => {
      const faults = new FaultInjector({ nack: 0.3, drop: 0.1, garbage: 0 }, seed);
      return Array.from({ length: 50 }, () => [faults.onCommand(0x31), faults.dropReceived()]);
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });
});

describe('simulated bootloader on a pty, byte for byte (AN3155)', () => {
  async function exchange(port: { write(b: Uint8Array): Promise<void>; read(n: number, t: number): Promise<Uint8Array> }, send: number[], replyBytes: number) {
    await port.write(Uint8Array.from(send));
    return [...(await port.read(replyBytes, 2000))];
  }

  it('answers sync, Get, Get Version, Get ID, and NACKs a bad complement and unknown commands', async () => {
    await withSimulator({}, async (_simulator, port) => {
      expect(await exchange(port, [0x7f], 1)).toEqual([ACK]);
      expect(await exchange(port, [0x00, 0xff], 15)).toEqual([ACK, 11, 0x31, 0x00, 0x01, 0x02, 0x11, 0x21, 0x31, 0x44, 0x63, 0x73, 0x82, 0x92, ACK]);
      expect(await exchange(port, [0x01, 0xfe], 5)).toEqual([ACK, 0x31, 0x00, 0x00, ACK]);
      expect(await exchange(port, [0x02, 0xfd], 5)).toEqual([ACK, 0x01, 0x04, 0x13, ACK]);
      expect(await exchange(port, [0x02, 0xfc], 1)).toEqual([NACK]);
      expect(await exchange(port, [0x45, 0xba], 1)).toEqual([NACK]);
      expect(await exchange(port, [0x43, 0xbc], 1)).toEqual([NACK]);
    });
  });

  it('writes and reads memory, NACKing bad checksums and addresses outside flash and RAM', async () => {
    await withSimulator({}, async (simulator, port) => {
      await exchange(port, [0x7f], 1);
      expect(await exchange(port, [0x31, 0xce, 0x08, 0x00, 0x00, 0x00, 0x08], 2)).toEqual([ACK, ACK]);
      expect(await exchange(port, [0x03, 1, 2, 3, 4, 0x03 ^ 1 ^ 2 ^ 3 ^ 4], 1)).toEqual([ACK]);
      expect([...simulator.bootloader.memory.flash.read(0x0800_0000, 4)]).toEqual([1, 2, 3, 4]);
      expect(await exchange(port, [0x11, 0xee, 0x08, 0x00, 0x00, 0x00, 0x08], 2)).toEqual([ACK, ACK]);
      expect(await exchange(port, [0x03, 0xfc], 5)).toEqual([ACK, 1, 2, 3, 4]);
      expect(await exchange(port, [0x11, 0xee, 0x08, 0x00, 0x00, 0x00, 0x09], 2)).toEqual([ACK, NACK]);
      expect(await exchange(port, [0x11, 0xee, 0x30, 0x00, 0x00, 0x00, 0x30], 2)).toEqual([ACK, NACK]);
      // The flash size data register of the F4 (0x1FFF7A22): 1024 KB, little-endian.
      expect(await exchange(port, [0x11, 0xee, 0x1f, 0xff, 0x7a, 0x22, 0x1f ^ 0xff ^ 0x7a ^ 0x22], 2)).toEqual([ACK, ACK]);
      expect(await exchange(port, [0x01, 0xfe], 3)).toEqual([ACK, 0x00, 0x04]);
      // RAM the bootloader keeps (the first 12 KB on the F405) cannot be written.
      expect(await exchange(port, [0x31, 0xce, 0x20, 0x00, 0x00, 0x00, 0x20], 2)).toEqual([ACK, NACK]);
    });
  });

  it('erases sectors with Extended Erase, and mass erases with 0xFFFF', async () => {
    await withSimulator({}, async (simulator, port) => {
      const { flash } = simulator.bootloader.memory;
      flash.program(0x0800_4000, Uint8Array.of(0, 0, 0, 0));
      flash.program(0x0808_0000, Uint8Array.of(0, 0, 0, 0));
      await exchange(port, [0x7f], 1);
      expect(await exchange(port, [0x44, 0xbb, 0x00, 0x00, 0x00, 0x01, 0x01], 2)).toEqual([ACK, ACK]);
      expect([...flash.read(0x0800_4000, 4)]).toEqual([0xff, 0xff, 0xff, 0xff]);
      expect([...flash.read(0x0808_0000, 4)]).toEqual([0, 0, 0, 0]);
      expect(await exchange(port, [0x44, 0xbb, 0xff, 0xff, 0x00], 2)).toEqual([ACK, ACK]);
      expect([...flash.read(0x0808_0000, 4)]).toEqual([0xff, 0xff, 0xff, 0xff]);
      expect(await exchange(port, [0x44, 0xbb, 0xff, 0xfe, 0x01], 2)).toEqual([ACK, NACK]);
    });
  });

  it('serves only Get, Get Version, Get ID and Readout Unprotect under readout protection, and resets after unprotecting', async () => {
    await withSimulator({}, async (simulator, port) => {
      const { bootloader } = simulator;
      bootloader.memory.flash.program(0x0800_0000, Uint8Array.of(0, 0, 0, 0));
      await exchange(port, [0x7f], 1);
      expect(await exchange(port, [0x82, 0x7d], 2)).toEqual([ACK, ACK]);
      expect(bootloader.state.mode).toBe('awaiting-sync');
      expect(await exchange(port, [0x7f], 1)).toEqual([ACK]);
      expect(await exchange(port, [0x11, 0xee], 1)).toEqual([NACK]);
      expect(await exchange(port, [0x02, 0xfd], 5)).toEqual([ACK, 0x01, 0x04, 0x13, ACK]);
      expect(await exchange(port, [0x92, 0x6d], 2)).toEqual([ACK, ACK]);
      expect(bootloader.protection.readoutLevel).toBe(0);
      expect([...bootloader.memory.flash.read(0x0800_0000, 4)]).toEqual([0xff, 0xff, 0xff, 0xff]);
      expect(bootloader.resets).toBe(2);
    });
  });

  it('protects sectors with Write Protect and clears them with Write Unprotect', async () => {
    await withSimulator({}, async (simulator, port) => {
      const { flash } = simulator.bootloader.memory;
      await exchange(port, [0x7f], 1);
      expect(await exchange(port, [0x63, 0x9c, 0x01, 0x00, 0x02, 0x01 ^ 0x00 ^ 0x02], 2)).toEqual([ACK, ACK]);
      expect([...flash.writeProtected]).toEqual([0, 2]);
      await exchange(port, [0x7f], 1);
      expect(await exchange(port, [0x73, 0x8c], 2)).toEqual([ACK, ACK]);
      expect(flash.writeProtected.size).toBe(0);
    });
  });

  it('uses the legacy Erase on an F1, whose Get lists 0x43', async () => {
    await withSimulator({ part: 'stm32f103c8' }, async (simulator, port) => {
      await exchange(port, [0x7f], 1);
      expect(await exchange(port, [0x00, 0xff], 15)).toEqual([ACK, 11, 0x22, 0x00, 0x01, 0x02, 0x11, 0x21, 0x31, 0x43, 0x63, 0x73, 0x82, 0x92, ACK]);
      simulator.bootloader.memory.flash.program(0x0800_0400, Uint8Array.of(0, 0, 0, 0));
      expect(await exchange(port, [0x43, 0xbc, 0x00, 0x01, 0x01], 2)).toEqual([ACK, ACK]);
      expect([...simulator.bootloader.memory.flash.read(0x0800_0400, 4)]).toEqual([0xff, 0xff, 0xff, 0xff]);
      expect(await exchange(port, [0x43, 0xbc, 0xff, 0x00], 2)).toEqual([ACK, ACK]);
    });
  });

  it('paces bytes at the baud rate: 11 bits a byte for 8E1', async () => {
    await withSimulator({ realTime: true, baudRate: 9600 }, async (simulator, port) => {
      // Timed from the line's first byte: an answer that comes late puts the next one early by as much, so
      // that the host is never charged for the simulator's slack (host/flash/simulator/device-line.ts); only
      // the whole, from an idle line, is the wire's time and no less.
      const startMs = performance.now();
      // Sync, then Read Memory of 256 bytes: 10 bytes out, 4 + 256 back; at 9600 baud 8E1, 270 × 11 / 9600 s.
      await exchange(port, [0x7f], 1);
      await exchange(port, [0x11, 0xee, 0x08, 0x00, 0x00, 0x00, 0x08], 2);
      expect(await exchange(port, [0xff, 0x00], 257)).toHaveLength(257);
      const elapsedMs = performance.now() - startMs;
      const bytes = 270;
      const wireMs = (bytes * 11 * 1000) / 9600;
      // The simulator takes the pty pair's own delay, measured at its start, off each of the four answers
      // (host/flash/simulator/transit.ts), so they may come that much before a wire's would, give or take the
      // pty's jitter. 8N1's 10 bits a byte would take 28 ms less: the bound lies halfway, clear of both.
      const { transit } = simulator;
      const takenOffMs = 4 * (transit.inboundMs + transit.outboundMs(wireMs));
      const halfBitPerByteMs = (bytes * 0.5 * 1000) / 9600;
      expect(elapsedMs).toBeGreaterThan(wireMs - takenOffMs - halfBitPerByteMs);
      // Slower than the wire is what a loaded host makes of any pacing (two test runs side by side stretched this
      // one to 2.4 times the wire's time): only far slower is the simulator's own fault, such as each bit paced
      // as a byte.
      expect(elapsedMs).toBeLessThan(wireMs * SLOWER_THAN_WIRE_MAX);
    });
  });
});
