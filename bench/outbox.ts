/**
 * The cloud tier's throughput and latency (docs/edge.md, "Cloud tier: outbox and sinks"): records of about 220
 * bytes of JSON appended to the SQLite outbox and drained to NATS JetStream by the forwarder, beside the rate of
 * the NATS sink publishing alone, in the same run. The goal: ≥ 25,000 messages/s end to end with p99
 * ≤ 250 ms from arrival to the sink's acknowledgement, on the 2-core machine. nats-server is started here (bench/peers.ts) on a free
 * port with a temporary store, so it shares the machine's cores as it would on an edge box.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Forwarder } from '../host/edge/forwarder/forwarder.ts';
import { type Durability, SqliteOutbox } from '../host/edge/outbox/sqlite-outbox.ts';
import type { IngestRecord, OutboxRecord } from '../host/edge/record.ts';
import { NatsJetStreamSink, type NatsSinkOptions } from '../host/edge/sinks/nats-sink.ts';
import { NatsServer } from './peers.ts';

const PAYLOAD_BYTES = 220;
const DEVICES = 200;
/** Records in the publish-alone and saturated runs. */
const RECORDS = 150_000;
/** Records per append: what a gateway hands over from one read of its links. */
const APPEND_RECORDS = 50;
/** Appends in flight at once in the saturated run. */
const APPEND_LANES = 8;
/** The paced run: the goal rate, for this long. */
const PACED_RATE_PER_S = 25_000;
const PACED_DURATION_S = 6;
const PACED_TICK_MS = 10;
const BATCH_RECORDS = 1000;
const MS_PER_S = 1000;

const encoder = new TextEncoder();

/** A sensor reading as the gateway would encode it, padded to PAYLOAD_BYTES. */
function makeRecord(n: number, receivedAtMs: number): IngestRecord {
  const deviceId = `sensor-${n % DEVICES}`;
  const seq = Math.floor(n / DEVICES) % 65_536;
  const body = {
    device: deviceId,
    seq,
    timeMs: receivedAtMs,
    temperatureC: 21.5 + (n % 50) / 10,
    relativeHumidityPct: 45.2,
    pressurePa: 101_325 + (n % 100),
    accelerationMps2: [0.01, -0.02, 9.81],
    note: '',
  };
  const unpadded = JSON.stringify(body).length;
  body.note = 'x'.repeat(Math.max(0, PAYLOAD_BYTES - unpadded));
  return {
    // A session per run, so a second run's keys are not taken for duplicates of the first's.
    key: { deviceId, session: runSession, seq },
    subject: `${deviceId}/data`,
    payload: encoder.encode(JSON.stringify(body)),
    receivedAtMs,
  };
}

let runSession = 1;
const wallNowMs = (): number => performance.timeOrigin + performance.now();

function percentileMs(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

const round1 = (value: number): number => Math.round(value * 10) / 10;

export async function benchOutbox(): Promise<Record<string, number>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wasmote-bench-outbox-'));
  const nats = await NatsServer.start(path.join(dir, 'nats'));
  const load1AtStart = loadavg()[0]!;
  try {
    const publishAlone = await benchPublishAlone(nats.url);
    const saturated = await benchEndToEnd(nats.url, path.join(dir, 'saturated.db'), 'saturated');
    const paced = await benchEndToEnd(nats.url, path.join(dir, 'paced.db'), 'paced');
    const pacedFull = await benchEndToEnd(nats.url, path.join(dir, 'paced-full.db'), 'paced', 'full');
    return {
      natsPublishAloneMsgPerS: Math.round(publishAlone),
      outboxToNatsMsgPerS: Math.round(saturated.msgPerS),
      outboxToNatsOverPublishAlone: Math.round((saturated.msgPerS / publishAlone) * 100) / 100,
      saturatedP50Ms: round1(saturated.p50Ms),
      saturatedP99Ms: round1(saturated.p99Ms),
      pacedOfferedMsgPerS: PACED_RATE_PER_S,
      pacedDeliveredMsgPerS: Math.round(paced.msgPerS),
      pacedP50Ms: round1(paced.p50Ms),
      pacedP99Ms: round1(paced.p99Ms),
      pacedFullDeliveredMsgPerS: Math.round(pacedFull.msgPerS),
      pacedFullP50Ms: round1(pacedFull.p50Ms),
      pacedFullP99Ms: round1(pacedFull.p99Ms),
      payloadBytes: PAYLOAD_BYTES,
      load1AtStart: round1(load1AtStart),
    };
  } finally {
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function sinkOptions(url: string, stream: string): NatsSinkOptions {
  return {
    name: 'nats',
    servers: [url],
    stream: { name: stream, subjectPrefix: stream.toLowerCase(), duplicateWindowMs: 120_000, storage: 'file', maxAgeMs: 0, replicas: 1 },
    connectTimeoutMs: 5000,
    publishTimeoutMs: 30_000,
  };
}

/** The NATS sink alone: batches of BATCH_RECORDS built beforehand, published one after another. */
async function benchPublishAlone(url: string): Promise<number> {
  runSession++;
  const sink = new NatsJetStreamSink(sinkOptions(url, 'ALONE'));
  const now = wallNowMs();
  const records: OutboxRecord[] = Array.from({ length: RECORDS }, (_, n) => ({ ...makeRecord(n, now), position: n + 1 }));
  try {
    await sink.publish(records.slice(0, BATCH_RECORDS)); // connects and creates the stream, untimed
    const startedMs = performance.now();
    for (let first = BATCH_RECORDS; first < RECORDS; first += BATCH_RECORDS) {
      await sink.publish(records.slice(first, first + BATCH_RECORDS));
    }
    const published = RECORDS - BATCH_RECORDS;
    const msgPerS = (published * MS_PER_S) / (performance.now() - startedMs);
    process.stderr.write(`bench outbox: NATS sink alone ${Math.round(msgPerS)} msg/s\n`);
    return msgPerS;
  } finally {
    await sink.close();
  }
}

interface EndToEnd {
  msgPerS: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Outbox (WAL, group commit, synchronous=NORMAL unless `durability` says otherwise) and forwarder to the NATS sink. `saturated` appends as fast as
 * the outbox takes it (APPEND_LANES appends in flight) and measures the delivery rate; `paced` offers
 * PACED_RATE_PER_S, APPEND_RECORDS at a time, open loop. Latency runs from the record's arrival (its
 * receivedAtMs, just before append) to the PubAck.
 */
async function benchEndToEnd(
  url: string,
  outboxPath: string,
  mode: 'saturated' | 'paced',
  durability: Durability = 'normal',
): Promise<EndToEnd> {
  runSession++;
  const total = mode === 'saturated' ? RECORDS : PACED_RATE_PER_S * PACED_DURATION_S;
  const latenciesMs = new Float64Array(total);
  let delivered = 0;
  let lastDeliveryMs = 0;
  const outbox = SqliteOutbox.open({
    path: outboxPath,
    sinks: ['nats'],
    limits: { maxRecords: 10_000_000, maxBytes: 4e9, overflow: 'drop-oldest', maxRecordBytes: 512 * 1024 },
    durability,
    commitIntervalMs: 2,
    commitMaxRecords: 4096,
  });
  const sink = new NatsJetStreamSink(sinkOptions(url, `${mode}-${durability}`.toUpperCase()));
  let allDelivered!: () => void;
  const done = new Promise<void>((resolve) => (allDelivered = resolve));
  const forwarder = new Forwarder({
    outbox,
    sinks: [sink],
    batchRecords: BATCH_RECORDS,
    backoff: { initialMs: 100, maxMs: 1000, multiplier: 2, jitter: 0.5 },
    circuit: { failureThreshold: 5, openMs: 1000 },
    observer: {
      delivered: (_sink, records) => {
        const nowMs = wallNowMs();
        for (const record of records) if (delivered < total) latenciesMs[delivered++] = nowMs - record.receivedAtMs;
        lastDeliveryMs = performance.now();
        if (delivered >= total) allDelivered();
      },
      failed: (_sink, error) => process.stderr.write(`bench outbox: ${error.message}\n`),
      circuit: () => {},
    },
  });
  // Connect and create the stream before the clock starts.
  await sink.publish([{ ...makeRecord(0, wallNowMs()), key: { deviceId: 'warm-up', session: runSession, seq: 0 }, position: 0 }]);
  forwarder.start();
  const startedMs = performance.now();
  try {
    if (mode === 'saturated') {
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < total) {
          const first = next;
          next += APPEND_RECORDS;
          const now = wallNowMs();
          const records = Array.from({ length: Math.min(APPEND_RECORDS, total - first) }, (_, i) => makeRecord(first + i, now));
          await outbox.append(records);
        }
      };
      await Promise.all(Array.from({ length: APPEND_LANES }, lane));
    } else {
      const perTick = (PACED_RATE_PER_S * PACED_TICK_MS) / MS_PER_S;
      const appends: Promise<void>[] = [];
      for (let tick = 0; tick * perTick < total; tick++) {
        const dueMs = startedMs + tick * PACED_TICK_MS;
        const aheadMs = dueMs - performance.now();
        if (aheadMs > 0) await new Promise((resolve) => setTimeout(resolve, aheadMs));
        for (let first = tick * perTick; first < (tick + 1) * perTick; first += APPEND_RECORDS) {
          const now = wallNowMs();
          appends.push(outbox.append(Array.from({ length: APPEND_RECORDS }, (_, i) => makeRecord(first + i, now))));
        }
      }
      await Promise.all(appends);
    }
    await done;
  } finally {
    await forwarder.stop();
    await outbox.close();
    await sink.close();
  }
  const elapsedMs = lastDeliveryMs - startedMs;
  const sorted = latenciesMs.slice(0, delivered).sort();
  const result = { msgPerS: (delivered * MS_PER_S) / elapsedMs, p50Ms: percentileMs(sorted, 0.5), p99Ms: percentileMs(sorted, 0.99) };
  process.stderr.write(
    `bench outbox: ${mode}, synchronous=${durability}: ${Math.round(result.msgPerS)} msg/s, p50 ${round1(result.p50Ms)} ms, p99 ${round1(result.p99Ms)} ms\n`,
  );
  return result;
}
