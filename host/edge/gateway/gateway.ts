/**
 * The edge gateway (docs/mqtt.md, docs/edge.md "The gateway"): device links in, the JSON topic tree out, commands
 * back. `startGateway` connects to the broker, cleans up after an earlier run (§3.1), says the edge is online,
 * takes commands (§5) and starts the link sources; `stop()` takes every device offline (`edge-stopped`) and the edge
 * with them (`stopped`). The returned object is the GatewayView the profiles and the HTTP endpoint build on.
 */
import { randomInt } from 'node:crypto';
import { Counter, Registry } from 'prom-client';
import { type Clock, systemClock } from '../../flash/clock.ts';
import type { BrokerConnection } from '../broker/connection-options.ts';
import type { CloudTier } from '../cloud-tier.ts';
import type { LinkSource } from '../links/link.ts';
import { connectToBroker } from './broker-connection.ts';
import { type EdgeCommandHandler, takeCommands } from './command-intake.ts';
import { DeviceCommands } from './device-commands.ts';
import { DeviceRegistry, type EdgeIdentity } from './device-registry.ts';
import { EdgePublisher } from './edge-publisher.ts';
import { devicesLeftOnline, readRetained } from './edge-restart.ts';
import { GatewayMetrics } from './gateway-metrics.ts';
import { IngestTurns, cloudDeviceId } from './ingest-turns.ts';
import { type FlowConsumer, LinkFlow } from './link-flow.ts';
import { LinkSession } from './link-session.ts';
import type { CommandAnswer, DeviceMessage, DeviceStateMessage, EdgeStamp, GatewayView } from './messages.ts';
import { formatWallTime } from './time-anchor.ts';
import { edgeStateTopic, type QoS, type TopicOptions } from './topics.ts';

/** docs/mqtt.md §3.6: the default `--forget-after`, 7 days. */
export const DEFAULT_FORGET_AFTER_MS = 7 * 24 * 3_600_000;
/** How often idle devices are looked for. */
const FORGET_CHECK_MS = 60_000;
/** A clean stop waits at most this long for the broker to acknowledge the last messages. */
const STOP_FLUSH_MS = 5000;
/**
 * docs/edge.md, "Backpressure": the records a sink that is taking them may have still to go, in forwarder batches.
 * The links pause at two and a half batches and read again below one and a fifth: so they fill the next batch
 * while one is out, rather than wait for the sink to take two.
 */
const SINK_BACKLOG_BATCHES = { pauseAt: 2.5, resumeBelow: 1.2 };
/** docs/link-protocol.md §5.1: a session is a u32, never 0. */
const SESSION_MAX = 0xffff_ffff;

export interface GatewayOptions {
  /** The broker's URL and the credentials and TLS to connect with: brokerConnection's answer (docs/mqtt.md §6). */
  broker: BrokerConnection;
  /** A link id (docs/mqtt.md §1). */
  edgeId: string;
  /** Started by the gateway, stopped by it. */
  sources: readonly LinkSource[];
  /** The package version, in the edge's state (§3.1). */
  version: string;
  /** docs/mqtt.md §2 `--data-qos`; default 0. */
  dataQos?: QoS;
  /** docs/mqtt.md §8 `--data-window N`. */
  dataWindow?: number;
  forgetAfterMs?: number;
  /** Each data, log and event message is appended to it before it is published (docs/edge.md). */
  cloud?: CloudTier;
  /** Timers (resends, timeouts, heartbeat timeouts, the latest limit); default real time. */
  clock?: Clock;
  /** Wall time for `time` fields (docs/mqtt.md §1); default Date.now. */
  wallNowMs?: () => number;
  /** Where `wasmote_edge_unnamed_values_total` goes; a registry of its own by default. */
  metrics?: Registry;
  log?: (line: string) => void;
}

export interface Gateway extends GatewayView {
  /** 5, or 4 when the broker refused MQTT 5. */
  readonly protocolVersion: 4 | 5;
  /** Messages published so far. */
  readonly publishedCount: number;
  /** docs/mqtt.md §4.1 `wasmote_edge_unnamed_values_total`. */
  readonly unnamedValues: number;
  /** The JSON connection to the broker is up (docs/edge.md, "Health and metrics"). */
  readonly brokerConnected: boolean;
  /**
   * Publishes one of the edge's own messages (docs/mqtt.md §9) on its JSON connection, stamped with `edgeSession`
   * and `edgeSeq` (§1); `null` is an empty payload, which clears a retained topic. Resolves once acknowledged.
   */
  publishEdge(topic: string, payload: UnstampedPayload | null, options: TopicOptions): Promise<void>;
  /**
   * docs/edge.md, "Backpressure": the links also wait for this in-process consumer of the device messages (the
   * closed loop's inference) while its backlog is high. Returns `changed`, to call when its backlog falls, and the
   * consumer's removal.
   */
  holdLinksFor(consumer: FlowConsumer): { changed(): void; remove(): void };
  /** Answers `wasmote/<edge>/$edge/cmd/<command>` (docs/mqtt.md §9.3) with `handler`; returns its removal. */
  takeEdgeCommand(command: string, handler: EdgeCommandHandler): () => void;
  /** docs/mqtt.md §3.6: forgets a device, clearing its retained messages. */
  forget(device: string): boolean;
  /** The retained messages the broker holds under a filter of this edge's tree, by topic (§9.2's reconciliation). */
  readRetained(filter: string): Promise<Map<string, Buffer>>;
  /**
   * Stops the links, then runs `beforeOffline` while the edge is still online (the closed loop and the Sparkplug
   * node finish there, docs/edge.md), then publishes the edge offline (`stopped`) and disconnects.
   */
  stop(options?: { beforeOffline?: () => Promise<void> }): Promise<void>;
}

/** One of the edge's own messages before the gateway stamps it: it has no stamp of its own. */
export type UnstampedPayload = object & { [field in keyof EdgeStamp]?: never };

/**
 * `payload` with the stamp after its own fields, the JSON of `{ ...payload, ...stamp }` without copying the payload:
 * the closed loop publishes one per scored window.
 */
function stampedJson(payload: UnstampedPayload, { edgeSession, edgeSeq }: Required<EdgeStamp>): string {
  const json = JSON.stringify(payload);
  const stamp = `"edgeSession":${edgeSession},"edgeSeq":${edgeSeq}}`;
  return json === '{}' ? `{${stamp}` : `${json.slice(0, -1)},${stamp}`;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const clock = options.clock ?? systemClock;
  const wallNowMs = options.wallNowMs ?? Date.now;
  const log = options.log ?? (() => {});
  const { edgeId } = options;
  const edgeSession = randomInt(1, SESSION_MAX + 1);
  let edgeSeq = 0;
  const edge: EdgeIdentity = { edgeId, edgeSession, stamp: () => ({ edgeSession, edgeSeq: edgeSeq++ }) };
  const startedAt = formatWallTime(wallNowMs());
  const stateTopic = edgeStateTopic(edgeId);

  const { client, protocolVersion } = await connectToBroker({
    broker: options.broker,
    clientId: `wasmote-edge-${edgeId}`,
    will: { topic: stateTopic, payload: JSON.stringify({ state: 'offline', reason: 'connection-lost', startedAt, edgeSession }) },
  });
  client.on('error', (error) => log(`broker: ${error.message}`));
  const publisher = new EdgePublisher(client, edgeId, options.dataQos ?? 0, log);
  const metricsRegistry = options.metrics ?? new Registry();
  const gatewayMetrics = new GatewayMetrics(metricsRegistry, () => registry.devices());
  const unnamedCounter = new Counter({
    name: 'wasmote_edge_unnamed_values_total',
    help: 'Device values dropped because no birth named them (docs/mqtt.md §4.1)',
    registers: [metricsRegistry],
  });
  let unnamedValues = 0;
  const listeners = new Set<(message: DeviceMessage) => void>();
  let announcedDevices = 0;
  const publishEdgeState = (): void => {
    announcedDevices = registry.size;
    const time = formatWallTime(wallNowMs());
    publisher.edgeState(stateTopic, { state: 'online', time, startedAt, ...edge.stamp(), version: options.version, devices: announcedDevices });
  };
  const deliver = (message: DeviceMessage, encoded?: Buffer): void => {
    publisher.device(message, encoded);
    for (const listener of listeners) listener(message);
    if (registry.size !== announcedDevices) publishEdgeState();
  };
  /** docs/edge.md, "Gaps across links": each device's last data, log or event key in this run. */
  const kept = new Map<string, { session: number; seq: number }>();
  const flow = new LinkFlow();
  if (options.cloud !== undefined) {
    const { forwardBatchRecords } = options.cloud;
    flow.waitFor({
      backlog: () => options.cloud!.flowingBacklog(),
      pauseAt: Math.ceil(SINK_BACKLOG_BATCHES.pauseAt * forwardBatchRecords),
      resumeBelow: Math.ceil(SINK_BACKLOG_BATCHES.resumeBelow * forwardBatchRecords),
    });
  }
  const stopWatchingSinks = options.cloud?.onSinkChange(() => flow.check());
  const turns = options.cloud === undefined ? undefined : new IngestTurns({ edgeId, cloud: options.cloud, flow, wallNowMs, deliver, log });
  const emit = (message: DeviceMessage): void => {
    if ((message.kind === 'data' || message.kind === 'log' || message.kind === 'event') && message.payload !== null) {
      const { session, seq } = message.payload as { session: number; seq: number };
      kept.set(message.device, { session, seq });
    }
    if (turns === undefined) deliver(message);
    else turns.add(message);
  };

  const registry = new DeviceRegistry({
    edge,
    clock,
    wallNowMs,
    emit,
    ...(options.dataWindow === undefined ? {} : { dataWindow: options.dataWindow }),
    emitWindow: (device, message) => publisher.window(device, message),
    onUnnamed: (count) => {
      unnamedValues += count;
      unnamedCounter.inc(count);
    },
    log,
    lastKept: (device) => kept.get(device) ?? options.cloud?.lastKeys().get(cloudDeviceId(edgeId, device)),
  });
  const commands = new DeviceCommands(registry);
  const edgeCommands = new Map<string, EdgeCommandHandler>();

  // docs/mqtt.md §3.1: devices the last run left online are offline until heard from.
  for (const [device, state] of await devicesLeftOnline(client, edgeId)) {
    const time = formatWallTime(wallNowMs());
    const offline: DeviceStateMessage = { state: 'offline', time, session: state.session, reason: 'edge-restarted', lastSeen: state.time, ...edge.stamp() };
    publisher.device({ device, kind: 'state', payload: offline });
  }
  publishEdgeState();
  await takeCommands(client, protocolVersion, {
    edgeId,
    commands,
    publisher,
    forget: (device) => registry.forget(device),
    edgeCommand: (command) => edgeCommands.get(command),
    stamp: edge.stamp,
    answered: (answer) => gatewayMetrics.answered(answer),
  });
  const publishStopped = (): void =>
    publisher.edgeState(stateTopic, { state: 'offline', reason: 'stopped', time: formatWallTime(wallNowMs()), startedAt, ...edge.stamp() });
  try {
    for (const source of options.sources) {
      await source.start((link) => {
        flow.add(link);
        const session = new LinkSession(link, registry);
        const watched = gatewayMetrics.watchLink(session.decoder.stats);
        link.onClose(() => watched.closed());
        return session;
      });
    }
  } catch (error) {
    // A source that cannot start (a TCP port in use) ends the run before it began: the edge says so and leaves.
    registry.stop();
    await Promise.all(options.sources.map((source) => source.stop().catch(() => undefined)));
    publishStopped();
    await publisher.flushed();
    await client.endAsync();
    throw error;
  }
  const forgetAfterMs = options.forgetAfterMs ?? DEFAULT_FORGET_AFTER_MS;
  let cancelForget = clock.schedule(Math.min(forgetAfterMs, FORGET_CHECK_MS), function check() {
    registry.forgetIdle(forgetAfterMs);
    cancelForget = clock.schedule(Math.min(forgetAfterMs, FORGET_CHECK_MS), check);
  });

  let stopping: Promise<void> | undefined;
  return {
    edgeId,
    edgeSession,
    protocolVersion,
    get publishedCount() {
      return publisher.published;
    },
    get unnamedValues() {
      return unnamedValues;
    },
    get brokerConnected() {
      return client.connected;
    },
    publishEdge: (topic, payload, publishOptions) =>
      publisher.edgeMessage(topic, payload === null ? '' : stampedJson(payload, edge.stamp()), publishOptions),
    holdLinksFor(consumer) {
      return { changed: () => flow.check(), remove: flow.waitFor(consumer) };
    },
    takeEdgeCommand(command, handler) {
      edgeCommands.set(command, handler);
      return () => edgeCommands.delete(command);
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    devices: () => registry.devices(),
    command: async (device, command, payload) => {
      const answer: CommandAnswer = await commands.run({ device, command, payload }).catch((error: Error) => ({
        device,
        command,
        result: 'error' as const,
        origin: 'edge' as const,
        error: 'malformed' as const,
        detail: error.message,
      }));
      gatewayMetrics.answered(answer);
      return answer;
    },
    forget: (device) => registry.forget(device),
    readRetained: (filter) => readRetained(client, filter),
    stop(stopOptions) {
      stopping ??= (async () => {
        cancelForget();
        stopWatchingSinks?.();
        registry.stop();
        await turns?.settled();
        await Promise.all(options.sources.map((source) => source.stop()));
        await stopOptions?.beforeOffline?.().catch((error: Error) => log(`stopping: ${error.message}`));
        publishStopped();
        await Promise.race([publisher.flushed(), new Promise((resolve) => setTimeout(resolve, STOP_FLUSH_MS).unref())]);
        await client.endAsync();
      })();
      return stopping;
    },
  };
}
