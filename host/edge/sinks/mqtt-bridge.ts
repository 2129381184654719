import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { firstConnack } from '../first-connack.ts';
import { type Clock, systemClock } from '../../flash/clock.ts';
import { idempotencyKey, type OutboxRecord } from '../record.ts';
import { readTlsFiles, TLS_FIELD_NAMES } from '../tls-files.ts';
import { acknowledgedPrefix, type Sink, SinkError } from './sink.ts';

/** The MQTT 5 user property (MQTT 5 §3.3.2.3.7) holding the record key, `<subject>:<session>:<seq>`. */
export const IDEMPOTENCY_KEY_PROPERTY = 'idempotency-key';
/** When the edge received the record (Unix epoch ms). */
export const RECEIVED_AT_PROPERTY = 'received-at-ms';

/** MQTT 5 §3.2.2.3.3: Receive Maximum absent means 65,535. */
const DEFAULT_RECEIVE_MAXIMUM = 65_535;

export interface MqttBridgeOptions {
  /** Metric label and cursor name. */
  name: string;
  /** `mqtt://host:port`, or `mqtts://host:port` for TLS. */
  url: string;
  /** The persistent session is keyed by it: keep it stable across restarts, and unique per edge. */
  clientId: string;
  /** Records go to `<topicPrefix>/<subject>` (to `<subject>` when empty). */
  topicPrefix: string;
  /** MQTT 5 Session Expiry Interval: how long the upstream broker keeps the session while the edge is away. */
  sessionExpiryS: number;
  username?: string;
  password?: string;
  /** PEM files: the CA that signed the broker's certificate, and the client's certificate and key. */
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  connectTimeoutMs: number;
  /** A batch fails unless every PUBACK arrives within this long. */
  publishTimeoutMs: number;
  /** QoS 1 messages awaiting PUBACK at once; the broker's Receive Maximum lowers it. */
  maxInflight: number;
  clock?: Clock;
}

/**
 * Bridges records to an upstream MQTT broker: QoS 1, MQTT 5 with a persistent session (Clean Start 0 and a
 * Session Expiry Interval), each message carrying its key as a user property so subscribers can drop the
 * duplicates QoS 1 allows.
 *
 * The outbox is the only store of what is unacknowledged: mqtt.js's own in-memory store is never relied on. The
 * client does not reconnect by itself; a lost connection or a timeout ends it (discarding what it held) and fails
 * the batch with the acknowledged prefix, and the next publish, paced by the forwarder, connects again.
 */
export class MqttBridgeSink implements Sink {
  readonly name: string;
  /** The client being connected or connected; undefined once its connection is lost. */
  private client: Promise<MqttClient> | undefined;
  private open: MqttClient | undefined;
  /** From the broker's CONNACK (MQTT 5 §3.2.2.3.3): QoS 1 messages it takes at once. */
  private receiveMaximum = DEFAULT_RECEIVE_MAXIMUM;
  private closed = false;
  private readonly clock: Clock;

  constructor(private readonly options: MqttBridgeOptions) {
    this.name = options.name;
    this.clock = options.clock ?? systemClock;
  }

  async publish(records: readonly OutboxRecord[]): Promise<void> {
    if (this.closed) throw new SinkError(`sink ${this.name} is closed`, 0);
    if (records.length === 0) return;
    let client: MqttClient;
    try {
      client = await this.connect();
    } catch (error) {
      throw new SinkError(`cannot connect to ${this.options.url}: ${message(error)}`, 0, { cause: error });
    }
    const window = Math.min(this.options.maxInflight, this.receiveMaximum);
    const acked = new Array<boolean>(records.length).fill(false);
    let sent = 0;
    let inFlight = 0;
    let remaining = records.length;

    await new Promise<void>((resolve, reject) => {
      let finished = false;
      const finish = (error?: SinkError): void => {
        if (finished) return;
        finished = true;
        cancelTimer();
        client.removeListener('close', onClose);
        if (error) {
          this.discard(client);
          reject(error);
        } else {
          resolve();
        }
      };
      const onClose = (): void => finish(new SinkError('connection to the broker closed', acknowledgedPrefix(acked)));
      const cancelTimer = this.clock.schedule(this.options.publishTimeoutMs, () =>
        finish(new SinkError(`no PUBACK within ${this.options.publishTimeoutMs} ms`, acknowledgedPrefix(acked))),
      );
      client.on('close', onClose);
      const sendMore = (): void => {
        while (!finished && inFlight < window && sent < records.length) {
          const index = sent++;
          inFlight++;
          const record = records[index]!;
          client.publish(
            this.topic(record.subject),
            Buffer.from(record.payload.buffer, record.payload.byteOffset, record.payload.byteLength),
            {
              qos: 1,
              properties: {
                userProperties: {
                  [IDEMPOTENCY_KEY_PROPERTY]: idempotencyKey(record),
                  [RECEIVED_AT_PROPERTY]: String(record.receivedAtMs),
                },
              },
            },
            (error) => {
              if (finished) return;
              inFlight--;
              if (error) {
                finish(new SinkError(`broker refused message ${index}: ${error.message}`, acknowledgedPrefix(acked)));
                return;
              }
              acked[index] = true;
              if (--remaining === 0) finish();
              else sendMore();
            },
          );
        }
      };
      sendMore();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    if (client) await client.then((c) => c.endAsync()).catch(() => {});
  }

  private topic(subject: string): string {
    return this.options.topicPrefix === '' ? subject : `${this.options.topicPrefix}/${subject}`;
  }

  private connect(): Promise<MqttClient> {
    this.client ??= this.openClient().catch((error: unknown) => {
      this.client = undefined;
      throw error;
    });
    return this.client;
  }

  private async openClient(): Promise<MqttClient> {
    const { url, clientId, sessionExpiryS, username, password, tls, connectTimeoutMs } = this.options;
    const options: IClientOptions = {
      protocolVersion: 5,
      clientId,
      clean: false,
      properties: { sessionExpiryInterval: sessionExpiryS },
      username,
      password,
      connectTimeout: connectTimeoutMs,
      reconnectPeriod: 0,
      ...(tls && readTlsFiles(tls, TLS_FIELD_NAMES)),
    };
    const client = mqtt.connect(url, options);
    const connack = await firstConnack(client);
    this.receiveMaximum = connack.properties?.receiveMaximum ?? DEFAULT_RECEIVE_MAXIMUM;
    this.open = client;
    // Once connected, a failure reaches the batch in flight as 'close'; errors are not left unhandled.
    client.on('error', () => {});
    client.once('close', () => this.forget(client));
    return client;
  }

  /** Ends the client at once, dropping whatever it held: the outbox still has it. */
  private discard(client: MqttClient): void {
    this.forget(client);
    client.end(true);
  }

  private forget(client: MqttClient): void {
    if (this.open !== client) return;
    this.open = undefined;
    this.client = undefined;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
