/**
 * docs/mqtt.md §1, "Times never step back within a session": when a HEARTBEAT's smaller estimate moves the anchor
 * back, the data a client reads from the broker keeps its `time` from going back, and moves on once the device's
 * clock has caught up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBroker } from './support/broker.ts';
import { FakeDevice } from './support/fake-device.ts';
import { DOC_START_MS, startHarness } from './support/harness.ts';

let broker: Awaited<ReturnType<typeof testBroker>>;
beforeAll(async () => {
  broker = await testBroker();
});
afterAll(async () => {
  await broker?.stop();
});

describe('docs/mqtt.md §1 anchored times', () => {
  it('never go back as uptime goes on when the anchor moves back', async () => {
    const harness = await startHarness(broker.url, 'time-steps');
    try {
      const device = new FakeDevice(harness.source.connect(), 'steps-1');
      // The HELLO (uptime 0) arrives 50 ms in: anchor at 50 ms.
      harness.clock.advance(50);
      device.boot();
      await harness.watcher.waitFor('steps-1/birth');
      device.data(14_990, [{ id: 0, value: 1 }]);
      await harness.watcher.waitFor('steps-1/data', (json) => json.uptimeMs === 14_990);
      // A HEARTBEAT at uptime 15,000 arrives 15,010 ms in: the anchor moves back to 10 ms.
      harness.clock.advance(14_960);
      device.heartbeat(15_000);
      for (const uptimeMs of [15_000, 15_020, 15_040, 15_060]) device.data(uptimeMs, [{ id: 0, value: 1 }]);
      await harness.watcher.waitFor('steps-1/data', (json) => json.uptimeMs === 15_060);
      const times = (kind: string) => harness.watcher.on(`steps-1/${kind}`).map(({ json }) => [json.uptimeMs, Date.parse(json.time) - DOC_START_MS]);
      expect(times('data')).toEqual([
        [14_990, 15_040],
        // 15,010 and 15,030 on the new anchor: held at the newest time given...
        [15_000, 15_040],
        [15_020, 15_040],
        // ...until the device's clock has caught up.
        [15_040, 15_050],
        [15_060, 15_070],
      ]);
      // The HEARTBEAT's own status is of the same session: held too.
      expect(times('status')).toEqual([[15_000, 15_040]]);
    } finally {
      await harness.close();
    }
  });
});
