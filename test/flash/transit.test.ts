import { describe, expect, it } from 'vitest';
import { systemClock } from '../../host/flash/clock.ts';
import { openPtyPair } from '../../host/flash/simulator/pty-pair.ts';
import { PtyDevicePort } from '../../host/flash/simulator/pty-port.ts';
import { measureTransit } from '../../host/flash/simulator/transit.ts';

describe('the pty pair transit, timed as a flash uses the line', () => {
  it('finds a way in and, for short and long waits, a way back no shorter than it', async () => {
    const pty = await openPtyPair();
    const device = new PtyDevicePort(pty.devicePath, systemClock);
    try {
      const transit = await measureTransit(pty.hostPath, device, systemClock);
      // Two pseudo-terminals and socat between two threads: more than nothing, far less than a millisecond or two.
      expect(transit.inboundMs).toBeGreaterThan(0);
      expect(transit.inboundMs).toBeLessThan(2);
      for (const waitedMs of [0.3, 0.6, 25]) {
        expect(transit.outboundMs(waitedMs)).toBeGreaterThanOrEqual(transit.inboundMs);
        expect(transit.outboundMs(waitedMs)).toBeLessThan(5);
      }
      // The line still works after the probes: nothing of them is left behind.
      const host = new PtyDevicePort(pty.hostPath, systemClock);
      await host.write(Uint8Array.of(0x7f));
      expect([...(await device.read(1, 1000))]).toEqual([0x7f]);
      await host.close();
    } finally {
      await device.close();
      await pty.close();
    }
  });
});
