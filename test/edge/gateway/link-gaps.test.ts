/**
 * docs/edge.md, "Gaps across links": what a device sent in its session while it had no link to the edge counts in
 * its status's `edgeLink.gaps`, though the new link's decoder starts afresh.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBroker } from './support/broker.ts';
import { FakeDevice } from './support/fake-device.ts';
import { startHarness, type Harness } from './support/harness.ts';

const VALUES = [{ id: 0, value: 21.5 }];
/** docs/link-protocol.md §4.5.1: the runner's HELLO command. */
const HELLO_OPCODE = 0x71;

let broker: Awaited<ReturnType<typeof testBroker>>;
let harness: Harness;

beforeAll(async () => {
  broker = await testBroker();
  harness = await startHarness(broker.url, 'link-gaps');
});

afterAll(async () => {
  await harness?.close();
  await broker?.stop();
});

/** The same device on a new link: its encoder, and so its seq, carries on; it answers the edge's HELLO request. */
function reconnect(device: FakeDevice): FakeDevice {
  const link = harness.source.connect();
  const again = new FakeDevice(link, device.deviceId, device.session);
  again.encoder = device.encoder;
  link.onCommand = (command) => {
    if (command.payload[0] === HELLO_OPCODE) again.boot({ helloReason: 2 });
  };
  return again;
}

describe('gaps across links', () => {
  it('counts the frames a device sent between two links of one session', async () => {
    const first = new FakeDevice(harness.source.connect(), 'roamer-1');
    first.boot();
    first.data(1000, VALUES);
    await harness.watcher.waitFor('roamer-1/data');
    await first.link.close('unplugged');
    await harness.watcher.waitFor('roamer-1/state', (json) => json.state === 'offline');
    // Five frames into the void.
    for (let k = 0; k < 5; k++) first.encoder.encode({ type: 'data', timeMs: 2000 + k * 1000, values: VALUES });

    const second = reconnect(first);
    second.data(7000, VALUES);
    await harness.watcher.waitFor('roamer-1/birth', (json) => json.helloReason === 'requested');
    second.heartbeat(8000);
    const status = await harness.watcher.waitFor('roamer-1/status');
    expect(status.json.edgeLink).toMatchObject({ gaps: 5 });
  });

  it('counts none when the device comes back in a new session', async () => {
    const first = new FakeDevice(harness.source.connect(), 'roamer-2');
    first.boot();
    first.data(1000, VALUES);
    await harness.watcher.waitFor('roamer-2/data');
    await first.link.close('unplugged');
    await harness.watcher.waitFor('roamer-2/state', (json) => json.state === 'offline');

    const second = new FakeDevice(harness.source.connect(), 'roamer-2');
    second.reboot(0x0bad_5e55);
    await harness.watcher.waitFor('roamer-2/birth', (json) => json.session === 0x0bad_5e55);
    second.heartbeat(1000);
    const status = await harness.watcher.waitFor('roamer-2/status');
    expect(status.json.edgeLink).toMatchObject({ gaps: 0 });
  });
});
