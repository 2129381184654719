/**
 * Issue 11, "Done means": stop the NATS sink for a while, then restore it, with the data going through the
 * gateway: in the end the stream holds every record once.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { uniqueEdgeId, Watcher } from '../gateway/support/broker.ts';
import { until } from '../gateway/support/harness.ts';
import { freePort } from '../../../bench/peers.ts';
import { cloudKey, eventually, ownPeers, sleep, startEdge, startSimFleet, streamKeys } from './support/processes.ts';

const DEVICES = 2;

const peers = ownPeers('nats-outage');

describe('the NATS sink away for a while', () => {
  it('ends with every record the edge published in the stream, once', async () => {
    const edgeId = uniqueEdgeId('nats');
    const prefix = `nats-${edgeId.slice(-6)}`;
    const tcpPort = await freePort();
    const watcher = await Watcher.start(peers.broker.url, edgeId);
    const edge = startEdge({ edgeId, brokerUrl: peers.broker.url, tcpPort, natsUrl: peers.nats.url, dataDir: path.join(peers.dir, 'edge-data') });
    const sim = startSimFleet(tcpPort, DEVICES, prefix);
    const devices = Array.from({ length: DEVICES }, (_, index) => `${prefix}-${String(index).padStart(4, '0')}`);
    const dataOf = (device: string) => watcher.on(`${device}/data`);
    const published = () => devices.flatMap((device) => dataOf(device).map(({ json }) => cloudKey(edgeId, device, json)));
    try {
      await until(() => devices.every((device) => dataOf(device).length >= 2), 40_000, 'data from every device').catch((error: Error) => {
        throw new Error(`${error.message}\n${edge.output}\n${sim.output}`);
      });
      await peers.nats.kill();
      const duringOutage = published().length;
      await sleep(5000);
      // The devices kept sending while the sink was away; the edge published it all the same.
      expect(published().length).toBeGreaterThan(duringOutage);
      await peers.nats.start();
      const afterRestore = published().length;
      await until(() => published().length >= afterRestore + DEVICES * 2, 20_000, 'data after the restore');
      await sim.end();

      const expected = published();
      let keys: string[] = [];
      await eventually(
        async () => {
          keys = await streamKeys(peers.nats.url).catch(() => []);
          return expected.every((key) => keys.includes(key));
        },
        30_000,
        'every published record in the stream',
        () => `missing ${expected.filter((key) => !keys.includes(key)).join(', ')}\n${edge.output}`,
      );
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.filter((key) => key.endsWith(':') || key === '')).toEqual([]);
    } finally {
      await sim.end();
      await edge.end('SIGTERM');
      await watcher.close();
    }
  }, 100_000);
});
