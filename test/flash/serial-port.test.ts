import { describe, expect, it } from 'vitest';
import { systemClock } from '../../host/flash/clock.ts';
import { PortError, ReadTimeoutError } from '../../host/flash/errors.ts';
import { SerialBootloaderPort } from '../../host/flash/serial-port.ts';
import { openPtyPair, type PtyPair } from '../../host/flash/simulator/pty-pair.ts';
import { PtyDevicePort } from '../../host/flash/simulator/pty-port.ts';

const ACK = 0x79;
const NACK = 0x1f;

async function withLine(body: (host: SerialBootloaderPort, device: PtyDevicePort, pty: PtyPair) => Promise<void>): Promise<void> {
  const pty = await openPtyPair();
  const device = new PtyDevicePort(pty.devicePath, systemClock);
  const host = await SerialBootloaderPort.open({ path: pty.hostPath, baudRate: 115200, parity: 'even' });
  try {
    await body(host, device, pty);
  } finally {
    await host.close();
    await device.close();
    await pty.close();
  }
}

describe('the serial port over a pty pair, read by its line thread', () => {
  it("sends a read's reply as its byte arrives, and nothing on any other byte", async () => {
    await withLine(async (host, device) => {
      const reply = { onByte: ACK, bytes: Uint8Array.of(1, 2, 3) };
      const acked = host.read(1, 1000, reply);
      await device.write(Uint8Array.of(ACK));
      expect([...(await acked)]).toEqual([ACK]);
      expect([...(await device.read(3, 1000))]).toEqual([1, 2, 3]);

      const nacked = host.read(1, 1000, reply);
      await device.write(Uint8Array.of(NACK));
      expect([...(await nacked)]).toEqual([NACK]);
      await expect(device.read(1, 200)).rejects.toBeInstanceOf(ReadTimeoutError);
    });
  });

  it('sends the reply for a byte that was already in', async () => {
    await withLine(async (host, device) => {
      await device.write(Uint8Array.of(ACK));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await host.read(1, 1000, { onByte: ACK, bytes: Uint8Array.of(9) });
      expect([...(await device.read(1, 1000))]).toEqual([9]);
    });
  });

  it('keeps every byte, in order, through more than its ring holds', async () => {
    await withLine(async (host, device) => {
      const sent = Uint8Array.from({ length: 100 * 1024 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
      const received = host.read(sent.length, 10_000);
      for (let offset = 0; offset < sent.length; offset += 4096) await device.write(sent.subarray(offset, offset + 4096));
      expect(Buffer.from(await received).equals(Buffer.from(sent))).toBe(true);
    });
  });

  it('fails a read with a PortError when the line hangs up', async () => {
    await withLine(async (host, _device, pty) => {
      const pending = host.read(1, 5000);
      await pty.close();
      const error = await pending.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortError);
      expect((error as Error).message).toMatch(/failed/);
    });
  });
});
