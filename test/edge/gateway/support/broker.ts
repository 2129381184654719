import { connect as tcpConnect } from 'node:net';
import { randomBytes } from 'node:crypto';
import mqtt, { type IClientPublishOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { Mosquitto, tempDir } from '../../../../bench/peers.ts';

/** The machine's Mosquitto on 127.0.0.1:1883 when one listens, else one of the test's own on a free port. */
export async function testBroker(): Promise<{ url: string; stop(): Promise<void> }> {
  const listening = await new Promise<boolean>((resolve) => {
    const socket = tcpConnect(1883, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
  if (listening) return { url: 'mqtt://127.0.0.1:1883', stop: async () => {} };
  const dir = tempDir('gateway-broker');
  const broker = await Mosquitto.start(dir.path);
  return {
    url: broker.url,
    stop: async () => {
      await broker.stop();
      dir.remove();
    },
  };
}

/** An edge id no other test run uses, so retained messages never cross tests. */
export function uniqueEdgeId(name: string): string {
  return `t-${name}-${randomBytes(3).toString('hex')}`;
}

/** How long the broker may go without sending another retained message before they are taken to be all sent. */
const RETAINED_QUIET_MS = 300;

/**
 * Clears what an edge left retained under `wasmote/<edge>/` (births, states, latest values, alarms): on the machine's
 * shared broker these would otherwise outlive the test, and a later consumer of the whole tree would see them.
 */
export async function clearRetainedTree(url: string, edgeId: string): Promise<void> {
  const client = await mqtt.connectAsync(url, { clean: true, reconnectPeriod: 0 });
  try {
    const topics = new Set<string>();
    let lastMs = Date.now();
    client.on('message', (topic, payload, packet) => {
      if (packet.retain && payload.length > 0) topics.add(topic);
      lastMs = Date.now();
    });
    await client.subscribeAsync(`wasmote/${edgeId}/#`, { qos: 1 });
    while (Date.now() - lastMs < RETAINED_QUIET_MS) await new Promise((resolve) => setTimeout(resolve, 50));
    await Promise.all([...topics].map((topic) => client.publishAsync(topic, '', { qos: 1, retain: true })));
  } finally {
    await client.endAsync();
  }
}

export interface Seen {
  topic: string;
  text: string;
  retain: boolean;
  packet: IPublishPacket;
  /** The payload as JSON; null for an empty one, undefined for one that is not JSON (a test's malformed command). */
  json: any;
}

/** A watcher of `wasmote/<edge>/#`: what it saw, in order, and a way to wait for a message. */
export class Watcher {
  readonly seen: Seen[] = [];
  private waiters: { match: (seen: Seen) => boolean; resolve: (seen: Seen) => void }[] = [];

  private constructor(
    readonly client: MqttClient,
    readonly edgeId: string,
  ) {
    client.on('message', (topic, payload, packet) => {
      const text = payload.toString();
      const seen: Seen = { topic, text, retain: packet.retain, packet, json: parseJson(text) };
      this.seen.push(seen);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(seen)) return true;
        waiter.resolve(seen);
        return false;
      });
    });
  }

  static async start(url: string, edgeId: string, protocolVersion: 4 | 5 = 5): Promise<Watcher> {
    const client = await mqtt.connectAsync(url, { protocolVersion, clean: true, reconnectPeriod: 0 });
    const watcher = new Watcher(client, edgeId);
    // Retain As Published (MQTT 5 §3.8.3.1), so a live message shows the retain flag the edge set.
    await client.subscribeAsync(`wasmote/${edgeId}/#`, { qos: 1, ...(protocolVersion === 5 ? { rap: true } : {}) });
    return watcher;
  }

  /** Messages on `wasmote/<edge>/<suffix>`. */
  on(suffix: string): Seen[] {
    return this.seen.filter((seen) => seen.topic === `wasmote/${this.edgeId}/${suffix}`);
  }

  /** The first message (already seen or to come) on `suffix` that `match` accepts; fails after `timeoutMs`. */
  waitFor(suffix: string, match: (json: any, seen: Seen) => boolean = () => true, timeoutMs = 10_000): Promise<Seen> {
    const topic = `wasmote/${this.edgeId}/${suffix}`;
    const accepts = (seen: Seen): boolean => seen.topic === topic && match(seen.json, seen);
    const already = this.seen.find(accepts);
    if (already !== undefined) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nothing on ${topic} in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match: accepts,
        resolve: (seen) => {
          clearTimeout(timer);
          resolve(seen);
        },
      });
    });
  }

  publish(suffix: string, payload: string, options: IClientPublishOptions = { qos: 1 }): Promise<unknown> {
    return this.client.publishAsync(`wasmote/${this.edgeId}/${suffix}`, payload, options);
  }

  /** Clears every retained topic it saw, then disconnects. */
  async close(): Promise<void> {
    const retained = new Set(this.seen.filter((seen) => seen.text !== '').map((seen) => seen.topic));
    for (const topic of retained) await this.client.publishAsync(topic, '', { qos: 1, retain: true });
    await this.client.endAsync();
  }
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
