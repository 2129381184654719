import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { type AccessCheck, PASSWORDS, type SubscribeCheck, type User } from './role-table.ts';

/**
 * Runs §6 access checks against a live broker with MQTT 3.1.1 clients. Brokers say little about a refusal there:
 * Mosquitto drops a denied publish silently (and still sends PUBACK), aedes closes the publisher's connection,
 * and Mosquitto grants every subscription, dropping at delivery what the subscriber may not read. So each publish
 * is watched by a privileged subscriber: an allowed one must reach it, and a denied one must not have reached it
 * by the time a marker published after it does. Subscriptions are proven the same way.
 */

/** MQTT 3.1.1 §3.9.3: the SUBACK return code for a refused subscription. */
const SUBACK_FAILURE = 0x80;
const WAIT_MS = 5000;

export async function connectAs(url: string, user: User | undefined, options: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    protocolVersion: 4,
    clientId: `probe-${Math.random().toString(16).slice(2, 10)}`,
    reconnectPeriod: 0,
    connectTimeout: WAIT_MS,
    ...(user !== undefined && { username: user, password: PASSWORDS[user] }),
    ...options,
  });
}

/** mqtt.js reports a 0x80 return code in the granted list, or as an error carrying it or its SUBACK. */
async function subscribed(client: MqttClient, filter: string): Promise<boolean> {
  try {
    const granted = await client.subscribeAsync(filter, { qos: 1 });
    if (granted.length !== 1) throw new Error(`SUBACK with ${granted.length} return codes`);
    return granted[0]!.qos !== SUBACK_FAILURE;
  } catch (error) {
    const { code, packet } = error as { code?: number; packet?: { granted?: number[] } };
    if (code === SUBACK_FAILURE || packet?.granted?.[0] === SUBACK_FAILURE) return false;
    throw error;
  }
}

/**
 * True when the subscription receives a message published on a topic it filters. Mosquitto 2.0 grants every
 * SUBSCRIBE and checks read access as it delivers each message, so a SUBACK alone proves nothing; a marker the
 * subscriber may read, published after the probe, bounds the wait for a probe that must not come.
 */
export async function trySubscribe(url: string, check: SubscribeCheck): Promise<boolean> {
  const subscriber = await connectAs(url, check.user);
  const probePublisher = await connectAs(url, check.probe.user);
  const markerPublisher = await connectAs(url, check.marker.user);
  try {
    const seen = new Set<string>();
    // An allowed probe is awaited itself; a denied one until the marker behind it.
    const awaited = check.allowed ? 'probe' : 'marker';
    const arrived = new Promise<void>((resolve) => {
      subscriber.on('message', (_topic, payload) => {
        seen.add(payload.toString());
        if (seen.has(awaited)) resolve();
      });
    });
    if (!(await subscribed(subscriber, check.topic))) return false;
    if (!(await subscribed(subscriber, check.marker.topic))) throw new Error(`${check.user} may not read ${check.marker.topic}`);
    await probePublisher.publishAsync(check.probe.topic, 'probe', { qos: 1 });
    await markerPublisher.publishAsync(check.marker.topic, 'marker', { qos: 1 });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([arrived, new Promise((resolve) => (timer = setTimeout(resolve, WAIT_MS)))]);
    clearTimeout(timer);
    if (!seen.has('marker') && !seen.has('probe')) throw new Error('neither the probe nor the marker arrived');
    return seen.has('probe');
  } finally {
    await Promise.all([subscriber, probePublisher, markerPublisher].map((client) => client.endAsync(true)));
  }
}

/** An observer subscribed to `filters`, and an edge that publishes markers under `markerTopic`. */
export class PublishObserver {
  private readonly seen = new Set<string>();
  private readonly waiters = new Map<string, () => void>();
  private markers = 0;

  private constructor(
    private readonly url: string,
    private readonly observer: MqttClient,
    private readonly marker: MqttClient,
    private readonly markerTopic: string,
  ) {
    observer.on('message', (_topic, payload) => {
      const text = payload.toString();
      this.seen.add(text);
      this.waiters.get(text)?.();
    });
  }

  static async start(
    url: string,
    observerUser: User,
    filters: string[],
    markerUser: User,
    markerTopic: string,
  ): Promise<PublishObserver> {
    const observer = await connectAs(url, observerUser);
    const granted = await observer.subscribeAsync(filters, { qos: 1 });
    if (granted.some((grant) => grant.qos === SUBACK_FAILURE)) throw new Error(`the observer may not read ${filters.join(' ')}`);
    return new PublishObserver(url, observer, await connectAs(url, markerUser), markerTopic);
  }

  /** True when the publish reached the observer. */
  async tryPublish(check: AccessCheck, probeId: string): Promise<boolean> {
    const publisher = await connectAs(this.url, check.user);
    try {
      // A refused publish either completes (Mosquitto's PUBACK) or ends the connection (aedes); whether it
      // reached anyone is what the observer tells.
      await Promise.race([
        publisher.publishAsync(check.topic, probeId, { qos: 1 }).catch(() => undefined),
        new Promise<void>((resolve) => publisher.once('close', () => resolve())),
      ]);
    } finally {
      await publisher.endAsync(true);
    }
    if (check.allowed) return this.arrives(probeId);
    const marker = `marker-${++this.markers}`;
    await this.marker.publishAsync(this.markerTopic, marker, { qos: 1 });
    if (!(await this.arrives(marker))) throw new Error(`marker ${marker} never arrived`);
    return this.seen.has(probeId);
  }

  async close(): Promise<void> {
    await Promise.all([this.observer.endAsync(true), this.marker.endAsync(true)]);
  }

  private arrives(text: string): Promise<boolean> {
    if (this.seen.has(text)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(text);
        resolve(false);
      }, WAIT_MS);
      this.waiters.set(text, () => {
        clearTimeout(timer);
        this.waiters.delete(text);
        resolve(true);
      });
    });
  }
}
