/**
 * `wasmote edge` with its embedded broker (docs/edge.md, "Security"; docs/mqtt.md §6): the demo's open broker, its
 * HTTP endpoint and a clean stop; the secured broker with a password file written by mosquitto_passwd.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePasswordFile } from '../broker/support.ts';
import { uniqueEdgeId } from '../gateway/support/broker.ts';
import { EdgeChild, within } from './support/edge-child.ts';

const BROKER_LINE = /broker: +(mqtt:\/\/\S+)/;
const HTTP_LINE = /http: +(http:\/\/\S+)\/healthz/;

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'wasmote-wiring-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Messages seen by one client, by topic, and a way to wait for one. */
function collect(client: MqttClient): { seen: { topic: string; text: string }[]; waitFor(match: (topic: string, text: string) => boolean, timeoutMs?: number): Promise<string> } {
  const seen: { topic: string; text: string }[] = [];
  client.on('message', (topic, payload) => seen.push({ topic, text: payload.toString() }));
  return {
    seen,
    async waitFor(match, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = seen.find((entry) => match(entry.topic, entry.text));
        if (found !== undefined) return found.text;
        if (Date.now() > deadline) throw new Error(`not seen in ${timeoutMs} ms; seen: ${seen.map((entry) => entry.topic).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

describe('wasmote edge with the embedded broker', () => {
  it('--demo: the printed broker URL serves births, /healthz and /metrics answer, SIGTERM stops it offline, status 0', async () => {
    const edgeId = uniqueEdgeId('demo');
    const edge = new EdgeChild(['--demo', '--sim', '2', '--http', '127.0.0.1:0', '--edge-id', edgeId]);
    let client: MqttClient | undefined;
    try {
      const brokerUrl = await edge.line(BROKER_LINE);
      const httpUrl = await edge.line(HTTP_LINE);
      client = await mqtt.connectAsync(brokerUrl, { protocolVersion: 4, reconnectPeriod: 0 });
      const messages = collect(client);
      await client.subscribeAsync(`wasmote/${edgeId}/#`, { qos: 1 });
      await messages.waitFor((topic) => topic.endsWith('/birth'));
      const births = () => new Set(messages.seen.filter((entry) => entry.topic.endsWith('/birth')).map((entry) => entry.topic));
      const deadline = Date.now() + 20_000;
      while (births().size < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(births().size).toBe(2);

      const health = await fetch(`${httpUrl}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', edge: edgeId, brokerConnected: true, devices: 2 });
      const metrics = await (await fetch(`${httpUrl}/metrics`)).text();
      expect(metrics).toMatch(/^wasmote_\w+/m);

      edge.signal('SIGTERM');
      const stopped = await messages.waitFor((topic, text) => topic === `wasmote/${edgeId}/$edge/state` && text.includes('"offline"'));
      expect(JSON.parse(stopped)).toMatchObject({ state: 'offline', reason: 'stopped' });
      expect(await within(edge.exited, 20_000, 'the edge exiting')).toBe(0);
    } finally {
      client?.end(true);
      edge.kill();
    }
  }, 90_000);

  it('--users: a viewer reads, a viewer cannot command, an operator can, a wrong password is refused', async () => {
    const edgeId = uniqueEdgeId('users');
    const users = makePasswordFile(scratch, { 'view~alice': 'alice-pw', 'op~bob': 'bob-pw' });
    const edge = new EdgeChild(['--users', users, '--listen', '127.0.0.1:0', '--sim', '1', '--id-prefix', 'sec', '--edge-id', edgeId, '--no-inference']);
    const clients: MqttClient[] = [];
    try {
      const brokerUrl = await edge.line(BROKER_LINE);
      // Printed after the broker's line, once the edge is up: waited for, not read at once.
      await edge.line(/-u <user> -P <password>/);
      await expect(mqtt.connectAsync(brokerUrl, { protocolVersion: 4, reconnectPeriod: 0, username: 'view~alice', password: 'wrong' })).rejects.toThrow();

      const viewer = await mqtt.connectAsync(brokerUrl, { protocolVersion: 4, reconnectPeriod: 0, username: 'view~alice', password: 'alice-pw' });
      clients.push(viewer);
      const seenByViewer = collect(viewer);
      await viewer.subscribeAsync(`wasmote/${edgeId}/#`, { qos: 1 });
      await seenByViewer.waitFor((topic) => topic === `wasmote/${edgeId}/sec-0000/birth`);

      const operator = await mqtt.connectAsync(brokerUrl, { protocolVersion: 4, reconnectPeriod: 0, username: 'op~bob', password: 'bob-pw' });
      clients.push(operator);
      const seenByOperator = collect(operator);
      await operator.subscribeAsync(`wasmote/${edgeId}/sec-0000/result`, { qos: 1 });

      // The embedded broker closes the connection of a client that publishes where it may not (docs/mqtt.md §6).
      const viewerClosed = new Promise<void>((resolve) => viewer.once('close', () => resolve()));
      viewer.publish(`wasmote/${edgeId}/sec-0000/cmd/ping`, JSON.stringify({ id: 'by-viewer' }), { qos: 0 });
      await within(viewerClosed, 10_000, "the viewer's connection closed");
      await operator.publishAsync(`wasmote/${edgeId}/sec-0000/cmd/ping`, JSON.stringify({ id: 'by-operator' }), { qos: 1 });
      const answer = await seenByOperator.waitFor((_topic, text) => text.includes('by-operator'));
      expect(JSON.parse(answer)).toMatchObject({ device: 'sec-0000', command: 'ping', id: 'by-operator' });
      expect(seenByOperator.seen.some((entry) => entry.text.includes('by-viewer'))).toBe(false);
    } finally {
      for (const client of clients) client.end(true);
      edge.signal('SIGTERM');
      await within(edge.exited, 20_000, 'the edge exiting').catch(() => undefined);
      edge.kill();
    }
  }, 90_000);

  it('without --users or --demo, secures the embedded broker: the edge logs itself in, anonymous clients are refused', async () => {
    const edge = new EdgeChild(['--sim', '1', '--edge-id', uniqueEdgeId('self')]);
    try {
      const brokerUrl = await edge.line(BROKER_LINE);
      expect(edge.output).toMatch(/broker: +mqtt:\/\/\S+ \(embedded, secured: only the edge itself logs in; other MQTT clients need --users FILE\)/);
      // The edge is up on its own broker: it published its devices (healthy, it runs on).
      await edge.line(/command: +(mosquitto_pub) .* -u <user> -P <password>/);
      // MQTT 3.1.1 §3.2.2.3: CONNACK return code 5, not authorized.
      await expect(mqtt.connectAsync(brokerUrl, { protocolVersion: 4, reconnectPeriod: 0 })).rejects.toThrow(/Not authorized/i);
      await expect(mqtt.connectAsync(brokerUrl, { protocolVersion: 4, reconnectPeriod: 0, username: 'view~eve', password: 'guess' })).rejects.toThrow(/Not authorized|Bad username/i);
    } finally {
      edge.signal('SIGTERM');
      expect(await within(edge.exited, 20_000, 'the edge exiting')).toBe(0);
    }
  }, 60_000);
});
