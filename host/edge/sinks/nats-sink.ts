import {
  connect,
  createInbox,
  type Msg,
  type NatsConnection,
  type Subscription,
  type TlsOptions,
} from '@nats-io/transport-node';
import type { NatsConnectionImpl } from '@nats-io/nats-core/internal';
import { type Clock, systemClock } from '../../flash/clock.ts';
import type { OutboxRecord } from '../record.ts';
import { HpubBatchEncoder } from './hpub-batch.ts';
import { ensureStream, type StreamSettings, StreamSettingsError } from './jetstream-stream.ts';
import { acknowledgedPrefix, type Sink, SinkError } from './sink.ts';


export interface NatsSinkOptions {
  /** Metric label and cursor name. */
  name: string;
  servers: string[];
  user?: string;
  pass?: string;
  token?: string;
  /** PEM files: the CA that signed the server's certificate, and the client's certificate and key. */
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  stream: StreamSettings;
  connectTimeoutMs: number;
  /** A batch fails unless every PubAck arrives within this long. */
  publishTimeoutMs: number;
  clock?: Clock;
}

interface Connection {
  nc: NatsConnection;
  /** PubAcks arrive at `<inbox>.<message number>`. */
  inbox: string;
  /** The server's most header and payload bytes in one message (its INFO). */
  maxPayloadBytes: number;
  subscription: Subscription;
}

/** The batch waiting for its PubAcks; message number `firstId + i` is record i. */
interface BatchInFlight {
  firstId: number;
  acked: boolean[];
  remaining: number;
  resolve: () => void;
  fail: (error: SinkError) => void;
}

/**
 * Publishes to a JetStream stream with the record key as `Nats-Msg-Id`, so the stream stores each record once
 * whatever the edge re-sends within the duplicate window.
 *
 * A JetStream publish is a core NATS publish with a reply subject, answered by a PubAck (JetStream wire API). The
 * sink publishes a whole batch that way with one reply subscription and matches the PubAcks by reply subject,
 * instead of one request (with its own timer and promise) per message; the batch's commands are written as one
 * buffer (hpub-batch.ts) and queued on the connection's protocol handler as nats.js queues its own. The
 * connection is opened (and the stream created or checked) on the first publish; it does not reconnect by itself:
 * a lost connection fails the batch, and the next publish, paced by the forwarder's backoff and circuit breaker,
 * connects again.
 */
export class NatsJetStreamSink implements Sink {
  readonly name: string;
  /** The connection being opened or open; undefined once it is lost. */
  private connection: Promise<Connection> | undefined;
  private open: Connection | undefined;
  private inFlight: BatchInFlight | undefined;
  private nextId = 0;
  private closed = false;
  private readonly encoder: HpubBatchEncoder;
  private readonly clock: Clock;

  constructor(private readonly options: NatsSinkOptions) {
    this.name = options.name;
    this.clock = options.clock ?? systemClock;
    this.encoder = new HpubBatchEncoder(options.stream.subjectPrefix);
  }

  async publish(records: readonly OutboxRecord[]): Promise<void> {
    if (this.closed) throw new SinkError(`sink ${this.name} is closed`, 0);
    if (this.inFlight) throw new Error(`sink ${this.name} takes one batch at a time`);
    if (records.length === 0) return;
    let connection: Connection;
    try {
      connection = await this.connect();
    } catch (error) {
      const what = error instanceof StreamSettingsError ? 'NATS at' : 'cannot connect to NATS at';
      throw new SinkError(`${what} ${this.options.servers.join(', ')}: ${message(error)}`, 0, { cause: error });
    }
    const { nc, inbox, maxPayloadBytes } = connection;
    const firstId = this.nextId;
    this.nextId += records.length;
    const done = new Promise<void>((resolve, reject) => {
      const cancelTimer = this.clock.schedule(this.options.publishTimeoutMs, () => {
        batch.fail(new SinkError(`no PubAck within ${this.options.publishTimeoutMs} ms`, acknowledgedPrefix(batch.acked)));
        this.drop(connection);
      });
      const batch: BatchInFlight = {
        firstId,
        acked: new Array<boolean>(records.length).fill(false),
        remaining: records.length,
        resolve: () => {
          cancelTimer();
          this.inFlight = undefined;
          resolve();
        },
        fail: (error) => {
          cancelTimer();
          this.inFlight = undefined;
          reject(error);
        },
      };
      this.inFlight = batch;
    });
    try {
      if (nc.isClosed()) throw new Error('the connection is closed');
      const commands = this.encoder.encode(records, `${inbox}.`, firstId, maxPayloadBytes);
      (nc as NatsConnectionImpl).protocol.sendCommand(commands);
    } catch (error) {
      (this.inFlight as BatchInFlight | undefined)?.fail(
        new SinkError(`publish failed: ${message(error)}`, 0, { cause: error }),
      );
      this.drop(connection);
    }
    return done;
  }

  async close(): Promise<void> {
    this.closed = true;
    const connection = this.connection;
    this.connection = undefined;
    if (connection) await connection.then((c) => c.nc.close()).catch(() => {});
  }

  private connect(): Promise<Connection> {
    this.connection ??= this.openConnection().catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    return this.connection;
  }

  private async openConnection(): Promise<Connection> {
    const { servers, user, pass, token, tls, connectTimeoutMs, stream } = this.options;
    const nc = await connect({
      servers,
      user,
      pass,
      token,
      tls: tls as TlsOptions | undefined,
      name: `wasmote-edge ${this.name}`,
      timeout: connectTimeoutMs,
      reconnect: false,
    });
    try {
      // Nats-Msg-Id needs message headers (NATS 2.2 and later; JetStream servers all have them).
      if (!nc.info?.headers) throw new StreamSettingsError('the server does not take message headers');
      await ensureStream(nc, stream, connectTimeoutMs);
    } catch (error) {
      await nc.close();
      throw error;
    }
    const inbox = createInbox();
    const subscription = nc.subscribe(`${inbox}.*`, { callback: (error, msg) => this.onPubAck(inbox, error, msg) });
    const connection: Connection = { nc, inbox, maxPayloadBytes: nc.info!.max_payload, subscription };
    this.open = connection;
    void nc.closed().then(() => this.lost(connection));
    return connection;
  }

  private onPubAck(inbox: string, error: Error | null, msg: Msg): void {
    const batch = this.inFlight;
    if (!batch) return;
    const index = Number(msg.subject.slice(inbox.length + 1)) - batch.firstId;
    if (!(index >= 0 && index < batch.acked.length) || batch.acked[index]) return;
    const refusal = error ? message(error) : pubAckRefusal(msg);
    if (refusal !== undefined) {
      batch.fail(new SinkError(`JetStream refused message ${index} of the batch: ${refusal}`, acknowledgedPrefix(batch.acked)));
      return;
    }
    batch.acked[index] = true;
    if (--batch.remaining === 0) batch.resolve();
  }

  /** The connection closed (server gone, or dropped here): the batch in flight fails with what was acknowledged. */
  private lost(connection: Connection): void {
    if (this.open === connection) {
      this.open = undefined;
      this.connection = undefined;
    }
    const batch = this.inFlight;
    if (batch) batch.fail(new SinkError('connection to NATS closed', acknowledgedPrefix(batch.acked)));
  }

  private drop(connection: Connection): void {
    void connection.nc.close().catch(() => {});
  }
}

/**
 * How an acknowledging PubAck begins (`{"stream":"S", "seq":1}`, `..., "duplicate": true}`): a refusal puts its
 * error first (`{"error":{"code":400,...},"stream":"S","seq":0}`), so a reply that starts this way needs no parsing.
 */
const PUB_ACK_START = Buffer.from('{"stream":');

/** Why a PubAck refuses the message (JetStream API error, or a no-responders status), or undefined for an ack. */
function pubAckRefusal(msg: Msg): string | undefined {
  if (msg.headers?.hasError) return `status ${msg.headers.code} ${msg.headers.description}`;
  if (msg.data.length === 0) return 'empty reply';
  if (PUB_ACK_START.compare(msg.data, 0, Math.min(PUB_ACK_START.length, msg.data.length)) === 0) return undefined;
  let ack: { stream?: string; error?: { code: number; err_code?: number; description?: string } };
  try {
    ack = msg.json();
  } catch {
    return 'reply is not JSON';
  }
  if (ack.error) return `${ack.error.code} ${ack.error.err_code ?? ''} ${ack.error.description ?? ''}`.trim();
  return ack.stream === undefined ? 'reply is not a PubAck' : undefined;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
