/**
 * Issue 11, "Done means": SIGKILL the edge mid-stream and restart it. Zero lost of what it had accepted, no
 * duplicates in the stream, and what the devices sent while it was down shows as per-device gaps.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { uniqueEdgeId, Watcher } from '../gateway/support/broker.ts';
import { until } from '../gateway/support/harness.ts';
import { freePort } from '../../../bench/peers.ts';
import { cloudKey, eventually, ownPeers, sleep, startEdge, startSimFleet, streamKeys, type WasmoteProcess } from './support/processes.ts';

const DEVICES = 3;

/** The keys of the records an outbox still holds, read after its edge has died. */
function heldKeys(file: string): string[] {
  const db = new Database(file);
  try {
    const rows = db.prepare('SELECT subject, session, seq FROM records').raw().all() as [string, number, number][];
    return rows.map(([subject, session, seq]) => `${subject}:${session}:${seq}`);
  } finally {
    db.close();
  }
}

const peers = ownPeers('edge-kill');

describe('SIGKILL the edge mid-stream', () => {
  it('loses nothing it had accepted, stores each record once, and shows the downtime as per-device gaps', async () => {
    const edgeId = uniqueEdgeId('kill');
    const prefix = `kill-${edgeId.slice(-6)}`;
    const dataDir = path.join(peers.dir, 'edge-data');
    const tcpPort = await freePort();
    const watcher = await Watcher.start(peers.broker.url, edgeId);
    const edgeArgs = { edgeId, brokerUrl: peers.broker.url, tcpPort, natsUrl: peers.nats.url, dataDir };
    let edge: WasmoteProcess = startEdge(edgeArgs);
    const sim = startSimFleet(tcpPort, DEVICES, prefix);
    const devices = Array.from({ length: DEVICES }, (_, index) => `${prefix}-${String(index).padStart(4, '0')}`);
    try {
      const dataOf = (device: string) => watcher.on(`${device}/data`);
      await until(() => devices.every((device) => dataOf(device).length >= 2), 40_000, 'data from every device').catch((error: Error) => {
        throw new Error(`${error.message}\n${edge.output}\n${sim.output}`);
      });
      await edge.end('SIGKILL');
      // Everything published before the kill had been appended to the outbox first (docs/edge.md).
      const accepted = new Set(devices.flatMap((device) => dataOf(device).map(({ json }) => cloudKey(edgeId, device, json))));
      // And what it had appended but not yet published or forwarded, still in its outbox.
      for (const key of heldKeys(path.join(dataDir, 'outbox.sqlite'))) accepted.add(key);
      const seenBeforeKill = watcher.seen.length;
      await sleep(3000);

      edge = startEdge(edgeArgs);
      const after = (device: string) => watcher.seen.slice(seenBeforeKill).filter((seen) => seen.topic === `wasmote/${edgeId}/${device}/status`);
      await until(
        () => devices.every((device) => after(device).some(({ json }) => json?.edgeLink?.gaps > 0)),
        40_000,
        'a status with gaps from every device',
      ).catch((error: Error) => {
        const statuses = devices.map((device) => JSON.stringify(after(device).map(({ json }) => json?.edgeLink)));
        throw new Error(`${error.message}\n${statuses.join('\n')}\n${edge.output}`);
      });

      let keys: string[] = [];
      await eventually(
        async () => {
          keys = await streamKeys(peers.nats.url);
          return [...accepted].every((key) => keys.includes(key));
        },
        30_000,
        'every accepted record in the stream',
        () => `missing ${[...accepted].filter((key) => !keys.includes(key)).join(', ')}`,
      );
      expect(accepted.size).toBeGreaterThanOrEqual(DEVICES * 2);
      // JetStream's dedup by Nats-Msg-Id: each key once, whatever the killed edge had half sent.
      expect(new Set(keys).size).toBe(keys.length);
    } finally {
      await sim.end();
      await edge.end('SIGTERM');
      await watcher.close();
    }
  }, 110_000);
});
