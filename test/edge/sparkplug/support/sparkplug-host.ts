import Long from 'long';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { decodePayload, encodePayload, type UMetric, type UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';

/**
 * What a Sparkplug host application sees: its own mqtt.js client subscribed to `spBv1.0/<group>/#`, every payload
 * decoded with the Eclipse Tahu decoder (sparkplug-payload), independent of the edge's protobufjs encoding.
 */

export interface SeenMetric {
  name?: string;
  alias?: number;
  timestampMs?: number;
  type: string;
  /** Tahu gives 64-bit values as Long.js; they are bigints here. */
  value: unknown;
  properties?: Record<string, { type: string; value: unknown }>;
}

export interface SeenMessage {
  topic: string;
  type: string;
  device?: string;
  qos: number;
  retain: boolean;
  timestampMs?: number;
  /** Absent when the payload carries none (NDEATH). */
  seq?: number;
  metrics: SeenMetric[];
}

function plain(value: unknown): unknown {
  if (Long.isLong(value)) return BigInt((value as Long).toString());
  return value;
}

function asNumber(value: unknown): number | undefined {
  return value === undefined || value === null ? undefined : Number(plain(value));
}

function seenMetric(metric: UMetric): SeenMetric {
  return {
    ...(metric.name != null && { name: metric.name }),
    ...(metric.alias != null && { alias: asNumber(metric.alias) }),
    ...(metric.timestamp != null && { timestampMs: asNumber(metric.timestamp) }),
    type: metric.type,
    value: plain(metric.value),
    ...(metric.properties && {
      properties: Object.fromEntries(
        Object.entries(metric.properties).map(([key, property]) => [
          key,
          { type: property.type, value: plain(property.value) },
        ]),
      ),
    }),
  };
}

export class SparkplugHost {
  readonly messages: SeenMessage[] = [];
  private waiters: (() => void)[] = [];

  private constructor(
    readonly client: MqttClient,
    readonly group: string,
  ) {
    client.on('message', (topic, payload, packet) => {
      const levels = topic.split('/');
      // The host's own commands (one of them malformed on purpose) are not the edge's output.
      if (levels[1] !== group || levels[2] === 'NCMD' || levels[2] === 'DCMD') return;
      const decoded: UPayload = decodePayload(payload);
      this.messages.push({
        topic,
        type: levels[2]!,
        ...(levels[4] !== undefined && { device: levels[4] }),
        qos: packet.qos,
        retain: packet.retain,
        ...(decoded.timestamp != null && { timestampMs: asNumber(decoded.timestamp) }),
        ...(decoded.seq != null && { seq: asNumber(decoded.seq) }),
        metrics: (decoded.metrics ?? []).map(seenMetric),
      });
      for (const wake of this.waiters) wake();
    });
  }

  static async connect(url: string, group: string, options: IClientOptions = {}): Promise<SparkplugHost> {
    const client = await mqtt.connectAsync(url, {
      protocolVersion: 5,
      clientId: `host-${group}`,
      clean: true,
      reconnectPeriod: 0,
      ...options,
    });
    const host = new SparkplugHost(client, group);
    await client.subscribeAsync(`spBv1.0/${group}/#`, { qos: 1 });
    return host;
  }

  of(type: string, device?: string): SeenMessage[] {
    return this.messages.filter(
      (message) => message.type === type && (device === undefined || message.device === device),
    );
  }

  /** Resolves with the first message (counting from `fromIndex`) that matches, or fails after `timeoutMs`. */
  async waitFor(
    what: string,
    matches: (message: SeenMessage) => boolean,
    { fromIndex = 0, timeoutMs = 10_000 } = {},
  ): Promise<SeenMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(fromIndex).find(matches);
      if (found) return found;
      const leftMs = deadline - Date.now();
      if (leftMs <= 0) {
        const seen = this.messages.map(
          (message) => `${message.type}${message.device ? `/${message.device}` : ''}#${message.seq}`,
        );
        throw new Error(`no ${what} within ${timeoutMs} ms; saw ${seen.join(', ')}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, leftMs);
        this.waiters.push(done);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
      });
      this.waiters = [];
    }
  }

  /** An NCMD or DCMD as a host writes it: metrics by alias (or name), with the Tahu encoder. */
  async command(topic: string, metrics: UMetric[]): Promise<void> {
    const payload = encodePayload({ timestamp: Date.now(), metrics });
    await this.client.publishAsync(topic, Buffer.from(payload), { qos: 0 });
  }

  async publishRaw(topic: string, payload: Buffer | string, retain = false): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1, retain });
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}

/** One metric of a message, by name. */
export function metricNamed(message: SeenMessage, name: string): SeenMetric {
  const metric = message.metrics.find((candidate) => candidate.name === name);
  if (!metric)
    throw new Error(`${message.topic} has no metric ${name}: ${message.metrics.map((m) => m.name).join(', ')}`);
  return metric;
}
