/**
 * The edge end to end (issue 11, "Done means"; issue 12 for the inference cost): device link frames recorded from
 * the simulator are replayed at full speed over TCP into the gateway's TcpLinkSource; the gateway publishes the
 * JSON tree to Mosquitto and appends data, logs and events to the SQLite outbox, which the forwarder drains to
 * NATS JetStream. DATA messages are counted at the NATS sink's acknowledgements and at an MQTT subscriber;
 * latency runs from the record's `receivedAtMs` (the edge decoded the frame) to its JetStream PubAck. Beside it,
 * in the same run, the broker alone: one mqtt.js publisher and one subscriber through the same Mosquitto with the
 * same payload size and QoS. Mosquitto and nats-server are the bench's own (bench/peers.ts), on the same cores.
 *
 * One device per TCP connection (the link carries one device), so the fleet is DEVICES connections; the
 * recording is made once, before any clock starts, and each run replays it under an edge id of its own, so the
 * idempotency keys of one run are not duplicates of another's in the stream.
 *
 * The fleet comes up first: every device's HELLO and METRICs, until the broker has delivered each device's
 * retained birth (timed apart, as births per second). The telemetry rate is then timed from the first DATA frame
 * written to the last DATA message acknowledged by JetStream, as the broker alone is timed from its first publish.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serialize } from 'node:v8';
import mqtt from 'mqtt';
import { Registry } from 'prom-client';
import { loadInferenceSetup } from '../edge-inference/loop/index.ts';
import { startClosedLoop } from '../host/edge/closed-loop.ts';
import { assembleCloudTier, NATS_SINK } from '../host/edge/cloud-tier.ts';
import { parseCloudTierConfig } from '../host/edge/config.ts';
import { type Gateway, startGateway } from '../host/edge/gateway/gateway.ts';
import type { QoS, TopicOptions } from '../host/edge/gateway/topics.ts';
import { TcpLinkSource } from '../host/edge/links/tcp-source.ts';
import type { OutboxRecord } from '../host/edge/record.ts';
import { NatsJetStreamSink } from '../host/edge/sinks/nats-sink.ts';
import type { Sink } from '../host/edge/sinks/sink.ts';
import { recordFleet, type Recording } from './edge-recording.ts';
import { Mosquitto, NatsServer, tempDir } from './peers.ts';
import { CpuMeter } from './process-cpu.ts';

const DEVICES = 1000;
/** Virtual seconds recorded: the sensor node reports once a second, so DEVICES × this many DATA frames. */
const VIRTUAL_S = 60;
/** Issue 12: inference's cost is measured at 10,000 devices... */
const INFERENCE_DEVICES = 10_000;
/**
 * ...for this many virtual seconds each: the shipped model scores a window of 8 samples with a stride of 1
 * (edge-inference/models/sensor-node-anomaly.json), so from the 8th second on every DATA message is scored.
 */
const INFERENCE_VIRTUAL_S = 16;
const SEED = 11;
const REPLAYER = fileURLToPath(new URL('./edge-replayer.ts', import.meta.url));
const SUBSCRIBER = fileURLToPath(new URL('./edge-subscriber.ts', import.meta.url));
/** A run that has seen no new DATA message at the sink for this long is over. */
const STALL_MS = 5000;
/** The fleet's births must all reach the broker within this long. */
const BIRTHS_TIMEOUT_MS = 120_000;
const STALL_WHILE_SENDING_MS = 30_000;
const MS_PER_S = 1000;
const US_PER_S = 1e6;

const wallNowMs = (): number => performance.timeOrigin + performance.now();
const round1 = (value: number): number => Math.round(value * 10) / 10;
const ratio = (part: number, whole: number): number => Math.round((part / whole) * 100) / 100;
/** `{ edge: 1 }` under `qos0CpuUsPerData` is `{ qos0CpuUsPerDataEdge: 1 }`. */
const prefixed = (prefix: string, figures: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(figures).map(([name, value]) => [prefix + name[0]!.toUpperCase() + name.slice(1), value]));

function percentileMs(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

/** The NATS sink, noting when each DATA record is acknowledged. */
class TimedSink implements Sink {
  readonly name = NATS_SINK;
  readonly latenciesMs: number[] = [];
  lastDataAckMs = 0;

  constructor(private readonly inner: Sink) {}

  async publish(records: readonly OutboxRecord[]): Promise<void> {
    await this.inner.publish(records);
    const nowMs = wallNowMs();
    for (const record of records) {
      if (!record.subject.endsWith('/data')) continue;
      this.latenciesMs.push(nowMs - record.receivedAtMs);
      this.lastDataAckMs = nowMs;
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

interface SubscriberReport {
  messages: number;
  payloadBytes: number;
  lastMs: number;
}

/** Forks a bench process (TypeScript, through tsx) and resolves once it has said it is ready. */
async function startChild(script: string, args: string[]): Promise<ChildProcess> {
  const child = fork(script, args, { execArgv: ['--import', 'tsx'] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`${path.basename(script)} exited with ${code}`)));
  });
  return child;
}

function report(subscriber: ChildProcess): Promise<SubscriberReport> {
  return new Promise((resolve) => {
    subscriber.once('message', (message) => resolve(message as SubscriberReport));
    subscriber.send('report');
  });
}

interface EdgeRun {
  /** Devices born per second while the fleet came up. */
  birthsPerS: number;
  natsDataMsgPerS: number;
  mqttDataMsgPerS: number;
  dataAtNats: number;
  dataAtMqtt: number;
  p50Ms: number;
  p99Ms: number;
  meanPayloadBytes: number;
  /** Windows the model scored, with inference on... */
  scoresPublished: number;
  /** ...and those its runtime dropped because it fell behind. */
  windowsDropped: number;
  /** CPU µs per DATA message of each process of the pipeline while the telemetry ran, and their total. */
  cpuUsPerData: Record<string, number>;
}

interface BrokerAloneRun {
  msgPerS: number;
  /** CPU µs per message of the publisher (this process), Mosquitto and the subscriber, and their total. */
  cpuUsPerMsg: Record<string, number>;
}

interface Peers {
  brokerUrl: string;
  natsUrl: string;
  dir: string;
  mosquittoPid: number | undefined;
  natsPid: number | undefined;
}

let runNumber = 0;

async function runEdge(peers: Peers, recordingPath: string, recording: Recording, dataQos: QoS, inference: boolean): Promise<EdgeRun> {
  runNumber++;
  const edgeId = `bench-${runNumber}`;
  const label = `QoS ${dataQos}${inference ? ', inference on' : ''}`;
  const config = parseCloudTierConfig(
    { outbox: { path: path.join(peers.dir, `outbox-${runNumber}.sqlite`) }, sinks: { nats: { servers: [peers.natsUrl] } } },
    'bench',
  );
  const sink = new TimedSink(new NatsJetStreamSink({ name: NATS_SINK, ...config.sinks.nats! }));
  const cloud = assembleCloudTier(config, [sink], { registry: new Registry() });

  const subscriber = await startChild(SUBSCRIBER, [peers.brokerUrl, `wasmote/${edgeId}/+/data`, String(dataQos)]);

  const source = new TcpLinkSource({ host: '127.0.0.1', port: 0 }, { maxConnections: recording.deviceCount + 10 });
  const gateway = await startGateway({ broker: { url: peers.brokerUrl, options: {} }, edgeId, sources: [source], version: 'bench', dataQos, cloud });
  let stopInference = async (): Promise<void> => {};
  let scoresPublished = 0;
  let windowsDropped = 0;
  if (inference) {
    // As `wasmote edge` runs it: scores and alarms on the gateway's own connection. Scores are counted on the way.
    const setup = await loadInferenceSetup({});
    const counted: Gateway = Object.create(gateway, {
      publishEdge: {
        value: (topic: string, payload: object | null, options: TopicOptions) => {
          if (topic.endsWith('/score')) scoresPublished++;
          return gateway.publishEdge(topic, payload, options);
        },
      },
    });
    const loop = await startClosedLoop(counted, setup, { alarmStorePath: path.join(peers.dir, `alarms-${runNumber}.sqlite`) });
    stopInference = async () => {
      windowsDropped = loop.windowCounts().dropped;
      await loop.stop();
      await Promise.all(setup.models.map((model) => model.close()));
    };
  }

  const replayer = await startChild(REPLAYER, [recordingPath, String(source.port)]);
  const birthsS = await bringUpFleet(peers.brokerUrl, edgeId, replayer, recording.deviceCount);
  const startedMs = wallNowMs();
  let progressMs = startedMs;
  let sent = false;
  replayer.once('message', () => {
    sent = true;
    progressMs = wallNowMs();
  });
  const cpu = new CpuMeter('edge', { mosquitto: peers.mosquittoPid, natsServer: peers.natsPid, subscriber: subscriber.pid, replayer: replayer.pid }).start();
  replayer.send('go');
  // Until every DATA frame is at the sink, or nothing new has come there for a while (a shortfall the figures
  // show): STALL_MS once everything is written, longer while the replay still writes (the births come first).
  let seen = 0;
  while (sink.latenciesMs.length < recording.dataMessages && wallNowMs() - progressMs < (sent ? STALL_MS : STALL_WHILE_SENDING_MS)) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (sink.latenciesMs.length !== seen) {
      seen = sink.latenciesMs.length;
      progressMs = wallNowMs();
    }
  }
  const cpuUsPerData = cpu.perMessageUs(recording.dataMessages);
  await new Promise((resolve) => setTimeout(resolve, 200)); // the subscriber's last few
  replayer.send('end');
  await stopInference();
  await gateway.stop();
  await cloud.close();
  const { messages: dataAtMqtt, payloadBytes, lastMs: lastMqttMs } = await report(subscriber);
  subscriber.send('end');

  const sorted = Float64Array.from(sink.latenciesMs).sort();
  const dataAtNats = sink.latenciesMs.length;
  const run: EdgeRun = {
    birthsPerS: recording.deviceCount / birthsS,
    natsDataMsgPerS: (dataAtNats * MS_PER_S) / (sink.lastDataAckMs - startedMs),
    mqttDataMsgPerS: (dataAtMqtt * MS_PER_S) / (lastMqttMs - startedMs),
    dataAtNats,
    dataAtMqtt,
    p50Ms: percentileMs(sorted, 0.5),
    p99Ms: percentileMs(sorted, 0.99),
    meanPayloadBytes: Math.round(payloadBytes / Math.max(1, dataAtMqtt)),
    scoresPublished,
    windowsDropped,
    cpuUsPerData,
  };
  process.stderr.write(
    `bench edge: ${label}: ${recording.deviceCount} births in ${round1(birthsS)} s; ${dataAtNats}/${recording.dataMessages} DATA at NATS, ${Math.round(run.natsDataMsgPerS)} msg/s; ` +
      `${dataAtMqtt} at MQTT, ${Math.round(run.mqttDataMsgPerS)} msg/s; p50 ${round1(run.p50Ms)} ms, p99 ${round1(run.p99Ms)} ms` +
      `${inference ? `; ${scoresPublished} windows scored, ${windowsDropped} dropped` : ''}; CPU µs per DATA ${JSON.stringify(cpuUsPerData)}\n`,
  );
  return run;
}

/**
 * Has the replayer write every device's birth, and resolves with the seconds until the broker delivered the last
 * device's retained birth (docs/mqtt.md §3.2) to a subscriber of the edge's births.
 */
async function bringUpFleet(brokerUrl: string, edgeId: string, replayer: ChildProcess, deviceCount: number): Promise<number> {
  const watcher = await mqtt.connectAsync(brokerUrl, { protocolVersion: 5 });
  try {
    const born = new Set<string>();
    const allBorn = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${born.size} of ${deviceCount} births in ${BIRTHS_TIMEOUT_MS} ms`)), BIRTHS_TIMEOUT_MS);
      watcher.on('message', (topic) => {
        born.add(topic);
        if (born.size < deviceCount) return;
        clearTimeout(timer);
        resolve();
      });
    });
    await watcher.subscribeAsync(`wasmote/${edgeId}/+/birth`, { qos: 1 });
    const startedMs = wallNowMs();
    replayer.send('births');
    await allBorn;
    return (wallNowMs() - startedMs) / MS_PER_S;
  } finally {
    await watcher.endAsync();
  }
}

/**
 * One mqtt.js publisher and one subscriber (in its own process, as for the edge) through the broker: `count`
 * messages of `payloadBytes` at `qos`.
 */
async function brokerAlone(peers: Peers, count: number, payloadBytes: number, qos: QoS): Promise<BrokerAloneRun> {
  const { brokerUrl } = peers;
  const topic = `bench/alone/${qos}`;
  const subscriber = await startChild(SUBSCRIBER, [brokerUrl, topic, String(qos)]);
  const publisher = await mqtt.connectAsync(brokerUrl, { protocolVersion: 5 });
  const cpu = new CpuMeter('publisher', { mosquitto: peers.mosquittoPid, subscriber: subscriber.pid }).start();
  const payload = Buffer.alloc(payloadBytes, 'x');
  const window = 500;
  const startedMs = wallNowMs();
  for (let first = 0; first < count; first += window) {
    const batch: Promise<unknown>[] = [];
    for (let n = first; n < Math.min(count, first + window); n++) batch.push(publisher.publishAsync(topic, payload, { qos }));
    await Promise.all(batch);
  }
  // Until every message is in, or nothing new has come for STALL_MS.
  let last = await report(subscriber);
  let progressMs = wallNowMs();
  while (last.messages < count && wallNowMs() - progressMs < STALL_MS) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = await report(subscriber);
    if (now.messages !== last.messages) progressMs = wallNowMs();
    last = now;
  }
  const cpuUsPerMsg = cpu.perMessageUs(count);
  subscriber.send('end');
  await publisher.endAsync();
  const msgPerS = (last.messages * MS_PER_S) / (last.lastMs - startedMs);
  process.stderr.write(
    `bench edge: broker alone, QoS ${qos}, ${payloadBytes} B: ${last.messages}/${count}, ${Math.round(msgPerS)} msg/s; CPU µs per message ${JSON.stringify(cpuUsPerMsg)}\n`,
  );
  return { msgPerS, cpuUsPerMsg };
}

/** QoS 0 edge runs, each followed by the broker alone: the pair is the unit the ratio goal is measured on. */
const QOS0_PAIRS = 3;

interface RunPair {
  edge: EdgeRun;
  alone: BrokerAloneRun;
  ratio: number;
}

/**
 * QOS0_PAIRS pairs of an edge run and the broker alone at QoS 0, one after the other. A single pair's ratio varies
 * from one bench run to the next (the edge's CPU a message and the broker alone's rate each move by a few per cent,
 * in either direction), so the QoS 0 figures are those of the pair with the median ratio, and the
 * lowest and highest ratios are reported beside it.
 */
async function interleavedPairs(peers: Peers, recordingPath: string, recording: Recording, payloadBytes: number) {
  const pairs: RunPair[] = [];
  for (let n = 0; n < QOS0_PAIRS; n++) {
    const edge = await runEdge(peers, recordingPath, recording, 0, false);
    const alone = await brokerAlone(peers, recording.dataMessages, payloadBytes, 0);
    pairs.push({ edge, alone, ratio: ratio(edge.natsDataMsgPerS, alone.msgPerS) });
  }
  const byRatio = [...pairs].sort((a, b) => a.ratio - b.ratio);
  return { median: byRatio[byRatio.length >> 1]!, lowestRatio: byRatio[0]!.ratio, highestRatio: byRatio[byRatio.length - 1]!.ratio };
}

interface Fleet {
  recording: Recording;
  path: string;
}

/** Records `devices` sensor nodes for `virtualS` and writes the recording where the replayer reads it. */
async function recordFleetFile(dir: string, devices: number, virtualS: number): Promise<Fleet & { recordingS: number }> {
  const startedMs = performance.now();
  const recording = await recordFleet(devices, virtualS, SEED);
  const recordingS = (performance.now() - startedMs) / MS_PER_S;
  process.stderr.write(`bench edge: recorded ${devices} devices × ${virtualS} virtual s in ${round1(recordingS)} s: ${JSON.stringify(recording.messagesByType)}\n`);
  const file = path.join(dir, `recording-${devices}.v8`);
  writeFileSync(file, serialize(recording));
  return { recording, path: file, recordingS };
}

export async function benchEdge(): Promise<Record<string, number>> {
  const load1AtStart = loadavg()[0]!;
  const dir = tempDir('bench-edge');
  const nats = await NatsServer.start(path.join(dir.path, 'nats'));
  const broker = await Mosquitto.start(dir.path);
  const peers = { brokerUrl: broker.url, natsUrl: nats.url, dir: dir.path, mosquittoPid: broker.pid, natsPid: nats.pid };
  try {
    const fleet = await recordFleetFile(dir.path, DEVICES, VIRTUAL_S);
    const { recording } = fleet;
    process.stderr.write('bench edge: a first run to warm up, not counted\n');
    const warmUp = await runEdge(peers, fleet.path, recording, 0, false);
    const qos0Pairs = await interleavedPairs(peers, fleet.path, recording, warmUp.meanPayloadBytes);
    const { edge: qos0, alone: { msgPerS: alone0, cpuUsPerMsg: aloneCpu0 } } = qos0Pairs.median;
    const qos1 = await runEdge(peers, fleet.path, recording, 1, false);
    const { msgPerS: alone1 } = await brokerAlone(peers, recording.dataMessages, qos1.meanPayloadBytes, 1);
    const large = await recordFleetFile(dir.path, INFERENCE_DEVICES, INFERENCE_VIRTUAL_S);
    const inferenceOff = await runEdge(peers, large.path, large.recording, 0, false);
    const inferenceOn = await runEdge(peers, large.path, large.recording, 0, true);
    return {
      devices: DEVICES,
      tcpConnections: DEVICES,
      dataMessages: recording.dataMessages,
      recordingS: round1(fleet.recordingS),
      dataPayloadBytes: qos0.meanPayloadBytes,
      qos0BirthsPerS: Math.round(qos0.birthsPerS),
      qos0EndToEndMsgPerS: Math.round(qos0.natsDataMsgPerS),
      qos0AtMqttSubscriberMsgPerS: Math.round(qos0.mqttDataMsgPerS),
      qos0DataAtNats: qos0.dataAtNats,
      qos0DataAtMqtt: qos0.dataAtMqtt,
      qos0P50Ms: round1(qos0.p50Ms),
      qos0P99Ms: round1(qos0.p99Ms),
      qos0BrokerAloneMsgPerS: Math.round(alone0),
      qos0EndToEndOverBrokerAlone: ratio(qos0.natsDataMsgPerS, alone0),
      qos0EndToEndOverBrokerAloneLowest: qos0Pairs.lowestRatio,
      qos0EndToEndOverBrokerAloneHighest: qos0Pairs.highestRatio,
      ...prefixed('qos0CpuUsPerData', qos0.cpuUsPerData),
      // What the machine's cores could carry if the pipeline had them all: the ceiling its CPU per message sets.
      qos0CpuCeilingMsgPerS: Math.round((availableParallelism() * US_PER_S) / qos0.cpuUsPerData.total!),
      ...prefixed('qos0BrokerAloneCpuUsPerMsg', aloneCpu0),
      qos1EndToEndMsgPerS: Math.round(qos1.natsDataMsgPerS),
      qos1AtMqttSubscriberMsgPerS: Math.round(qos1.mqttDataMsgPerS),
      qos1DataAtNats: qos1.dataAtNats,
      qos1DataAtMqtt: qos1.dataAtMqtt,
      qos1P50Ms: round1(qos1.p50Ms),
      qos1P99Ms: round1(qos1.p99Ms),
      qos1BrokerAloneMsgPerS: Math.round(alone1),
      qos1EndToEndOverBrokerAlone: ratio(qos1.natsDataMsgPerS, alone1),
      ...prefixed('qos1CpuUsPerData', qos1.cpuUsPerData),
      inferenceDevices: INFERENCE_DEVICES,
      inferenceDataMessages: large.recording.dataMessages,
      inferenceOffMsgPerS: Math.round(inferenceOff.natsDataMsgPerS),
      inferenceOnMsgPerS: Math.round(inferenceOn.natsDataMsgPerS),
      inferenceWindowsScored: inferenceOn.scoresPublished,
      inferenceWindowsDropped: inferenceOn.windowsDropped,
      inferenceOnOverOff: ratio(inferenceOn.natsDataMsgPerS, inferenceOff.natsDataMsgPerS),
      inferenceOffP99Ms: round1(inferenceOff.p99Ms),
      inferenceOnP99Ms: round1(inferenceOn.p99Ms),
      load1AtStart: round1(load1AtStart),
    };
  } finally {
    await broker.stop();
    await nats.stop();
    dir.remove();
  }
}
