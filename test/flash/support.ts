import { systemClock } from '../../host/flash/clock.ts';
import type { FlashSettings } from '../../host/flash/flasher.ts';
import { silentProgress } from '../../host/flash/progress.ts';
import { SerialBootloaderPort } from '../../host/flash/serial-port.ts';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../host/flash/simulator/start.ts';

/** Timeouts small enough for an instant simulator on a loaded CI machine. */
export const TEST_TIMEOUTS = { replyMs: 500, writeBlockMs: 500, massEraseMs: 3000, syncProbeMs: 50 };

export function testSettings(overrides: Partial<FlashSettings> = {}): FlashSettings {
  return {
    erase: 'touched',
    verify: true,
    go: false,
    writeUnprotect: false,
    readoutUnprotect: false,
    attempts: 4,
    timeouts: TEST_TIMEOUTS,
    progress: silentProgress,
    clock: systemClock,
    ...overrides,
  };
}

/** Runs `body` against a simulator on a fresh socat pty pair, with a host port open on it; cleans both up. */
export async function withSimulator<T>(
  options: Partial<SimulatorOptions>,
  body: (simulator: RunningSimulator, port: SerialBootloaderPort) => Promise<T>,
): Promise<T> {
  const simulator = await startSimulator({ part: 'stm32f405', baudRate: 115200, parity: 'even', realTime: false, ...options });
  let port: SerialBootloaderPort | undefined;
  try {
    port = await SerialBootloaderPort.open({ path: simulator.portPath, baudRate: 115200, parity: 'even' });
    return await body(simulator, port);
  } finally {
    await port?.close();
    await simulator.close();
  }
}

/** Deterministic test data. */
export function pattern(length: number, seed = 1): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 17 + (i >> 8)) & 0xff);
}

/** An independent Intel HEX writer: 16-byte data records under extended linear address records. */
export function toIntelHex(segments: { address: number; data: Uint8Array }[]): string {
  const record = (type: number, offset: number, data: number[]): string => {
    const bytes = [data.length, (offset >> 8) & 0xff, offset & 0xff, type, ...data];
    const checksum = (0x100 - (bytes.reduce((sum, byte) => sum + byte, 0) & 0xff)) & 0xff;
    return `:${[...bytes, checksum].map((byte) => byte.toString(16).padStart(2, '0').toUpperCase()).join('')}`;
  };
  const lines: string[] = [];
  let upper = -1;
  for (const { address, data } of segments) {
    for (let i = 0; i < data.length; i += 16) {
      const at = address + i;
      if (at >>> 16 !== upper) {
        upper = at >>> 16;
        lines.push(record(4, 0, [upper >> 8, upper & 0xff]));
      }
      lines.push(record(0, at & 0xffff, [...data.subarray(i, Math.min(i + 16, data.length))]));
    }
  }
  lines.push(record(1, 0, []));
  return `${lines.join('\n')}\n`;
}

export interface ProgramHeader {
  type: number;
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
}

/**
 * An independent ELF32 little-endian ARM executable writer (gABI layout: 52-byte header, 32-byte program
 * headers, then the payload); `tweak` can corrupt the result.
 */
export function buildElf(headers: ProgramHeader[], payload: Uint8Array, tweak: (view: DataView) => void = () => {}): Uint8Array {
  const phoff = 52;
  const bytes = new Uint8Array(phoff + headers.length * 32 + payload.length);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, 40, true); // EM_ARM
  view.setUint32(20, 1, true);
  view.setUint32(24, 0x0800_0009, true);
  view.setUint32(28, phoff, true);
  view.setUint16(40, 52, true);
  view.setUint16(42, 32, true);
  view.setUint16(44, headers.length, true);
  headers.forEach((header, i) => {
    const at = phoff + i * 32;
    view.setUint32(at, header.type, true);
    view.setUint32(at + 4, header.offset, true);
    view.setUint32(at + 8, header.vaddr, true);
    view.setUint32(at + 12, header.paddr, true);
    view.setUint32(at + 16, header.filesz, true);
    view.setUint32(at + 20, header.memsz, true);
  });
  bytes.set(payload, phoff + headers.length * 32);
  tweak(view);
  return bytes;
}

/** A valid ELF with one PT_LOAD per segment at p_paddr; all but the first have a RAM p_vaddr, like .data. */
export function toElf(segments: { address: number; data: Uint8Array }[]): Uint8Array {
  let offset = 52 + segments.length * 32;
  const headers = segments.map(({ address, data }, i) => {
    const header = { type: 1, offset, vaddr: i === 0 ? address : 0x2000_0000 + offset, paddr: address, filesz: data.length, memsz: data.length + 64 };
    offset += data.length;
    return header;
  });
  const payload = new Uint8Array(segments.reduce((sum, segment) => sum + segment.data.length, 0));
  let at = 0;
  for (const { data } of segments) {
    payload.set(data, at);
    at += data.length;
  }
  return buildElf(headers, payload);
}
