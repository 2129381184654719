import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../host/flash/clock.ts';
import { BootloaderError } from '../../host/flash/errors.ts';
import { eraseAll, erasePages } from '../../host/flash/protocol/erase.ts';
import { extendedErasePages, extendedEraseSpecial } from '../../host/flash/protocol/extended-erase.ts';
import { commandFrame, wordFrame, xorChecksum } from '../../host/flash/protocol/frames.ts';
import { get } from '../../host/flash/protocol/get.ts';
import { getId } from '../../host/flash/protocol/get-id.ts';
import { getVersion } from '../../host/flash/protocol/get-version.ts';
import { go } from '../../host/flash/protocol/go.ts';
import { readMemory } from '../../host/flash/protocol/read-memory.ts';
import { readoutUnprotect } from '../../host/flash/protocol/readout-unprotect.ts';
import { sync } from '../../host/flash/protocol/sync.ts';
import type { Timeouts } from '../../host/flash/protocol/timeouts.ts';
import { writeMemory } from '../../host/flash/protocol/write-memory.ts';
import { writeUnprotect } from '../../host/flash/protocol/write-unprotect.ts';
import { ScriptedPort, type ScriptStep } from '../../host/flash/scripted-port.ts';

// AN3155 constants, restated.
const ACK = 0x79;
const NACK = 0x1f;
const TIMEOUTS: Timeouts = { replyMs: 1000, writeBlockMs: 1500, massEraseMs: 40_000, syncProbeMs: 100 };

function scripted(steps: ScriptStep[]): ScriptedPort {
  return new ScriptedPort(steps, new ManualClock());
}

describe('frames (AN3155 §3)', () => {
  it('XORs bytes into a checksum', () => {
    expect(xorChecksum([0x08, 0x00, 0x00, 0x00])).toBe(0x08);
    expect(xorChecksum([0x12, 0x34, 0x56, 0x78])).toBe(0x08);
    expect(xorChecksum([])).toBe(0);
    expect(xorChecksum([0xff], 0x0f)).toBe(0xf0);
  });

  it('sends a command as its code and complement', () => {
    expect([...commandFrame(0x31)]).toEqual([0x31, 0xce]);
    expect([...commandFrame(0x00)]).toEqual([0x00, 0xff]);
  });

  it('frames an address most significant byte first, then the XOR', () => {
    expect([...wordFrame(0x0800_0000)]).toEqual([0x08, 0x00, 0x00, 0x00, 0x08]);
    expect([...wordFrame(0x2000_1234)]).toEqual([0x20, 0x00, 0x12, 0x34, 0x20 ^ 0x12 ^ 0x34]);
    expect([...wordFrame(0xffff_ffff)]).toEqual([0xff, 0xff, 0xff, 0xff, 0x00]);
  });
});

describe('commands against a scripted bootloader', () => {
  it('Get reads the version and command list', async () => {
    const port = scripted([
      { expect: [0x00, 0xff] },
      { reply: [ACK, 0x0b, 0x31, 0x00, 0x01, 0x02, 0x11, 0x21, 0x31, 0x44, 0x63, 0x73, 0x82, 0x92, ACK] },
    ]);
    expect(await get(port, TIMEOUTS)).toEqual({ version: 0x31, commands: [0x00, 0x01, 0x02, 0x11, 0x21, 0x31, 0x44, 0x63, 0x73, 0x82, 0x92] });
    port.assertDone();
  });

  it('Get Version reads the version and two option bytes', async () => {
    const port = scripted([{ expect: [0x01, 0xfe] }, { reply: [ACK, 0x31, 0x00, 0x00, ACK] }]);
    expect(await getVersion(port, TIMEOUTS)).toEqual({ version: 0x31, optionBytes: [0, 0] });
    port.assertDone();
  });

  it('Get ID reads a two-byte product ID', async () => {
    const port = scripted([{ expect: [0x02, 0xfd] }, { reply: [ACK, 0x01, 0x04, 0x13, ACK] }]);
    expect(await getId(port, TIMEOUTS)).toBe(0x413);
    port.assertDone();
  });

  it('Read Memory sends address and N-1 with its complement', async () => {
    const data = Array.from({ length: 256 }, (_, i) => i);
    const port = scripted([
      { expect: [0x11, 0xee] },
      { reply: [ACK] },
      { expect: [0x08, 0x00, 0x01, 0x00, 0x09] },
      { reply: [ACK] },
      { expect: [0xff, 0x00] },
      { reply: [ACK, ...data] },
    ]);
    expect([...(await readMemory(port, 0x0800_0100, 256, TIMEOUTS))]).toEqual(data);
    port.assertDone();
  });

  it('Write Memory at 0x08000000 sends 08 00 00 00 08, then N-1, data and their XOR', async () => {
    const data = Uint8Array.of(0x11, 0x22, 0x33, 0x44);
    const port = scripted([
      { expect: [0x31, 0xce] },
      { reply: [ACK] },
      { expect: [0x08, 0x00, 0x00, 0x00, 0x08] },
      { reply: [ACK] },
      { expect: [0x03, 0x11, 0x22, 0x33, 0x44, 0x03 ^ 0x11 ^ 0x22 ^ 0x33 ^ 0x44] },
      { reply: [ACK] },
    ]);
    await writeMemory(port, 0x0800_0000, data, TIMEOUTS);
    port.assertDone();
    expect(port.readTimeoutsMs.at(-1)).toBe(1500);
  });

  it('Write Memory in a run of blocks sends the next command on the final ACK, and the next block does not repeat it', async () => {
    const port = scripted([
      { expect: [0x31, 0xce] },
      { reply: [ACK] },
      { expect: [0x08, 0x00, 0x00, 0x00, 0x08] },
      { reply: [ACK] },
      { expect: [0x03, 1, 2, 3, 4, 0x03 ^ 1 ^ 2 ^ 3 ^ 4] },
      { reply: [ACK] },
      { expect: [0x31, 0xce] },
      { reply: [ACK] },
      { expect: [0x08, 0x00, 0x00, 0x04, 0x0c] },
      { reply: [ACK] },
      { expect: [0x03, 5, 6, 7, 8, 0x03 ^ 5 ^ 6 ^ 7 ^ 8] },
      { reply: [ACK] },
    ]);
    await writeMemory(port, 0x0800_0000, Uint8Array.of(1, 2, 3, 4), TIMEOUTS, { commandSent: false, sendNextCommand: true });
    await writeMemory(port, 0x0800_0004, Uint8Array.of(5, 6, 7, 8), TIMEOUTS, { commandSent: true, sendNextCommand: false });
    port.assertDone();
  });

  it('Write Memory refuses more than 256 bytes, unaligned lengths and addresses before sending anything', async () => {
    const port = scripted([]);
    await expect(writeMemory(port, 0x0800_0000, new Uint8Array(260), TIMEOUTS)).rejects.toThrow(RangeError);
    await expect(writeMemory(port, 0x0800_0000, new Uint8Array(6), TIMEOUTS)).rejects.toThrow(RangeError);
    await expect(writeMemory(port, 0x0800_0002, new Uint8Array(4), TIMEOUTS)).rejects.toThrow(RangeError);
    port.assertDone();
  });

  it('Erase of pages sends N, page numbers and XOR; global erase is FF 00', async () => {
    const pages = scripted([{ expect: [0x43, 0xbc] }, { reply: [ACK] }, { expect: [0x01, 0x04, 0x05, 0x01 ^ 0x04 ^ 0x05] }, { reply: [ACK] }]);
    await erasePages(pages, [4, 5], 500, TIMEOUTS);
    pages.assertDone();
    expect(pages.readTimeoutsMs).toEqual([1000, 500]);

    const all = scripted([{ expect: [0x43, 0xbc] }, { reply: [ACK] }, { expect: [0xff, 0x00] }, { reply: [ACK] }]);
    await eraseAll(all, TIMEOUTS);
    all.assertDone();
    expect(all.readTimeoutsMs.at(-1)).toBe(40_000);
  });

  it('Extended Erase sends a two-byte count, two-byte sector numbers and XOR', async () => {
    const port = scripted([
      { expect: [0x44, 0xbb] },
      { reply: [ACK] },
      { expect: [0x00, 0x01, 0x00, 0x05, 0x01, 0x02, 0x00 ^ 0x01 ^ 0x00 ^ 0x05 ^ 0x01 ^ 0x02] },
      { reply: [ACK] },
    ]);
    await extendedErasePages(port, [5, 0x102], 3000, TIMEOUTS);
    port.assertDone();
  });

  it('Extended Erase special codes: mass FFFF 00, bank 1 FFFE 01, bank 2 FFFD 02', async () => {
    for (const [code, frame] of [
      [0xffff, [0xff, 0xff, 0x00]],
      [0xfffe, [0xff, 0xfe, 0x01]],
      [0xfffd, [0xff, 0xfd, 0x02]],
    ] as const) {
      const port = scripted([{ expect: [0x44, 0xbb] }, { reply: [ACK] }, { expect: [...frame] }, { reply: [ACK] }]);
      await extendedEraseSpecial(port, code, 40_000, TIMEOUTS);
      port.assertDone();
      expect(port.readTimeoutsMs.at(-1)).toBe(40_000);
    }
  });

  it('Go sends the address', async () => {
    const port = scripted([{ expect: [0x21, 0xde] }, { reply: [ACK] }, { expect: [0x08, 0x00, 0x00, 0x00, 0x08] }, { reply: [ACK] }]);
    await go(port, 0x0800_0000, TIMEOUTS);
    port.assertDone();
  });

  it('Write Unprotect and Readout Unprotect wait for a second ACK, the latter as long as a mass erase', async () => {
    const wu = scripted([{ expect: [0x73, 0x8c] }, { reply: [ACK, ACK] }]);
    await writeUnprotect(wu, TIMEOUTS);
    wu.assertDone();
    const ru = scripted([{ expect: [0x92, 0x6d] }, { reply: [ACK, ACK] }]);
    await readoutUnprotect(ru, TIMEOUTS);
    ru.assertDone();
    expect(ru.readTimeoutsMs).toEqual([1000, 40_000]);
  });

  it('reports NACK, silence and a stray byte as BootloaderErrors naming the step', async () => {
    const nack = scripted([{ expect: [0x02, 0xfd] }, { reply: [NACK] }]);
    await expect(getId(nack, TIMEOUTS)).rejects.toMatchObject({ failure: 'nack', step: 'GetId' });
    const silent = scripted([{ expect: [0x02, 0xfd] }]);
    await expect(getId(silent, TIMEOUTS)).rejects.toMatchObject({ failure: 'timeout' });
    const garbage = scripted([{ expect: [0x31, 0xce] }, { reply: [ACK] }, { expect: [0x08, 0x00, 0x00, 0x00, 0x08] }, { reply: [0x55] }]);
    const error = await writeMemory(garbage, 0x0800_0000, new Uint8Array(4), TIMEOUTS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BootloaderError);
    expect(error).toMatchObject({ failure: 'unexpected', step: 'Write Memory address' });
    expect((error as Error).message).toContain('0x55');
  });

  it('sends the next part of a command only on an ACK: a NACKed address is not followed by the data', async () => {
    const port = scripted([{ expect: [0x31, 0xce] }, { reply: [ACK] }, { expect: [0x08, 0x00, 0x00, 0x00, 0x08] }, { reply: [NACK] }]);
    await expect(writeMemory(port, 0x0800_0000, new Uint8Array(4), TIMEOUTS)).rejects.toMatchObject({
      failure: 'nack',
      step: 'Write Memory address',
    });
    // The script ends at the NACK: a data frame written after it would have failed the write.
    port.assertDone();
  });
});

describe('sync (AN3155 §1)', () => {
  it('is done when a fresh bootloader ACKs 0x7F', async () => {
    const port = scripted([{ expect: [0x7f] }, { reply: [ACK] }]);
    await sync(port, TIMEOUTS);
    port.assertDone();
  });

  it('accepts a NACK: the bootloader was already synchronised and held a pending byte', async () => {
    const port = scripted([{ expect: [0x7f] }, { reply: [NACK] }]);
    await sync(port, TIMEOUTS);
    port.assertDone();
  });

  it('fills a half-received frame with growing bursts, lets answers settle, then probes the loop idle', async () => {
    const port = scripted([
      { expect: [0x7f] },
      { expect: [0x7e, 0x7e] },
      { expect: [0x7e, 0x7e, 0x7e, 0x7e] },
      { reply: [NACK, NACK] },
      { expect: [0x7f] },
      { expect: [0x7f] },
      { reply: [NACK] },
    ]);
    await sync(port, TIMEOUTS);
    port.assertDone();
  });

  it('gives up with advice when nothing ever answers, after three rounds of probes and fill bursts', async () => {
    // Each round: a settling read, the 0x7F probe and its read, then fill bursts of 2, 4, ... 512 bytes (twice the
    // largest frame, AN3155 §3.6), each with its read: 11 reads, each waiting syncProbeMs (100 ms) for nothing.
    const bursts = [2, 4, 8, 16, 32, 64, 128, 256, 512];
    const round: ScriptStep[] = [
      { expect: [0x7f] },
      ...bursts.map((count) => ({ expect: new Array<number>(count).fill(0x7e) })),
    ];
    const clock = new ManualClock();
    const port = new ScriptedPort([...round, ...round, ...round], clock);
    await expect(sync(port, TIMEOUTS)).rejects.toThrow(/BOOT0/);
    port.assertDone();
    expect(port.readTimeoutsMs).toEqual(new Array<number>(3 * 11).fill(100));
    expect(clock.nowMs()).toBe(3300); // 3 rounds × 11 reads × syncProbeMs
  });
});
