import type { IClientOptions, MqttClient } from 'mqtt';
import type { Registry } from 'prom-client';
import { type Clock, systemClock } from '../../flash/clock.ts';
import type { CommandAnswer, DeviceMessage, GatewayView } from '../gateway/messages.ts';
import { DeviceSlots } from './aliases.ts';
import { AnomalyMetrics, type AnomalyResult, type AnomalySource, recordAnomalyResult } from './anomaly-metrics.ts';
import { type BrokerConnectionOptions, openConnection, sharedClientOptions } from './connection.ts';
import { controlMetricsOf, LAST_RESULT_METRIC, resolveControlMetric } from './control-metrics.ts';
import { type CommandRequest, commandsForWrites, type ControlWrite } from './device-commands.ts';
import { changedControlMetrics, controlValues, dataMetrics, deviceBirthMetrics } from './device-metrics.ts';
import { controlSource, DeviceTable, type TrackedDevice } from './devices.ts';
import { SparkplugCounters } from './counters.ts';
import { addressesNodeRebirth, deathMetrics, nodeBirthMetrics } from './node-metrics.ts';
import { decodePayload, encodePayload, type Metric, PayloadDecodeError, type ReceivedPayload } from './payload.ts';
import { parseHostState, PrimaryHostTracker } from './primary-host.ts';
import { BirthDeathSequence, MessageSequence } from './session.ts';
import {
  checkSparkplugId,
  type DeviceMessageType,
  deviceOfCommandTopic,
  deviceTopic,
  nodeTopic,
  stateTopic,
} from './topics.ts';

export interface SparkplugNodeOptions extends BrokerConnectionOptions {
  /** `--sparkplug <group>`: the Sparkplug Group ID. */
  group: string;
  /** `--sparkplug-primary-host <id>`: wait for this host's STATE before NBIRTH. */
  primaryHostId?: string;
  /** Default `wasmote-edge-<edge>-spb` (docs/mqtt.md §7). */
  clientId?: string;
  /** Between a lost or refused connection and the next CONNECT. */
  reconnectDelayMs?: number;
  /** How long a clean stop waits for the NDEATH's PUBACK before it disconnects anyway. */
  stopTimeoutMs?: number;
  registry?: Registry;
  clock?: Clock;
  /** Unix epoch ms, for payload timestamps. */
  wallClockMs?: () => number;
  /** The closed loop, whose scores and anomaly states become device metrics (docs/mqtt.md §7); none without it. */
  anomaly?: AnomalySource;
}

export interface SparkplugNode {
  /** Publishes NDEATH, disconnects and stops listening to the gateway. */
  stop(): Promise<void>;
}

const DEFAULT_RECONNECT_DELAY_MS = 2000;
const DEFAULT_STOP_TIMEOUT_MS = 5000;
/** Sparkplug 3.0 (tck-id-message-flow-edge-node-birth-publish-will-message-qos): NDEATH at QoS 1; the rest at 0. */
const DEATH_QOS = 1;
const COMMAND_QOS = 1;

/**
 * The Sparkplug B 3.0 Edge Node of docs/mqtt.md §7: it turns the gateway's device messages into NBIRTH, DBIRTH,
 * DDATA and DDEATH on a connection of its own, and DCMD writes into §5.1 commands.
 */
export function startSparkplugNode(view: GatewayView, options: SparkplugNodeOptions): SparkplugNode {
  checkSparkplugId('Sparkplug group', options.group);
  if (options.primaryHostId !== undefined) checkSparkplugId('Sparkplug primary host id', options.primaryHostId);
  const node = new EdgeNode(view, options);
  node.start();
  return { stop: () => node.stop() };
}

class EdgeNode {
  private readonly edge: string;
  private readonly clientOptions: IClientOptions;
  private readonly clock: Clock;
  private readonly wallClockMs: () => number;
  private readonly counters: SparkplugCounters;
  private readonly devices: DeviceTable;
  private readonly anomalyMetrics: AnomalyMetrics;
  private readonly bdSeqs = new BirthDeathSequence();
  private readonly sequence = new MessageSequence();
  private readonly primaryHost = new PrimaryHostTracker();
  private stopListening: (() => void) | undefined;
  private stopListeningToAnomalies: (() => void) | undefined;
  /** The connection being opened, until it is open or has failed. */
  private opening: Promise<MqttClient | undefined> | undefined;
  private client: MqttClient | undefined;
  /** The `bdSeq` of the latest CONNECT: `client`'s, or the one being opened. */
  private bdSeq = 0;
  /** NBIRTH went out on `client`. */
  private born = false;
  private cancelReconnect: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly view: GatewayView,
    private readonly options: SparkplugNodeOptions,
  ) {
    this.edge = view.edgeId;
    this.clientOptions = sharedClientOptions(options, options.clientId ?? `wasmote-edge-${this.edge}-spb`);
    this.clock = options.clock ?? systemClock;
    this.wallClockMs = options.wallClockMs ?? Date.now;
    this.counters = new SparkplugCounters(options.registry);
    const slots = new DeviceSlots();
    this.devices = new DeviceTable((device) => slots.slotOf(device));
    this.anomalyMetrics = new AnomalyMetrics(options.anomaly?.anomalyModels ?? []);
  }

  start(): void {
    this.devices.load(this.view);
    this.stopListening = this.view.onMessage((message) => this.onDeviceMessage(message));
    for (const result of this.options.anomaly?.anomalyStates() ?? []) {
      const tracked = this.devices.find(result.device);
      if (tracked !== undefined) recordAnomalyResult(tracked.anomaly, result);
    }
    this.stopListeningToAnomalies = this.options.anomaly?.onAnomalyResult((result) => this.onAnomalyResult(result));
    this.connect();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopListening?.();
    this.stopListeningToAnomalies?.();
    this.cancelReconnect?.();
    const client = this.client ?? (await this.opening);
    if (client) await this.publishDeathAndDisconnect(client);
  }

  // Connection

  private connect(): void {
    this.cancelReconnect = undefined;
    const bdSeq = this.bdSeqs.forNextConnect();
    this.bdSeq = bdSeq;
    const will = { topic: nodeTopic(this.options.group, 'NDEATH', this.edge), payload: this.deathPayload(bdSeq) };
    this.opening = openConnection(this.options.url, this.clientOptions, will).then(
      (client) => {
        this.opening = undefined;
        this.counters.connected(true);
        if (!this.stopped) void this.onConnected(client);
        return client;
      },
      () => {
        this.opening = undefined;
        this.counters.connected(false);
        this.scheduleReconnect();
        return undefined;
      },
    );
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.cancelReconnect = this.clock.schedule(this.options.reconnectDelayMs ?? DEFAULT_RECONNECT_DELAY_MS, () =>
      this.connect(),
    );
  }

  private async onConnected(client: MqttClient): Promise<void> {
    this.client = client;
    this.born = false;
    client.on('message', (topic, payload) => this.onBrokerMessage(client, topic, payload));
    client.once('close', () => this.onClosed(client));
    const { group, primaryHostId } = this.options;
    // tck-id-message-flow-edge-node-ncmd-subscribe and tck-id-message-flow-device-dcmd-subscribe: QoS 1.
    const topics = [nodeTopic(group, 'NCMD', this.edge), `${deviceTopic(group, 'DCMD', this.edge, '#')}`];
    if (primaryHostId !== undefined) topics.push(stateTopic(primaryHostId));
    try {
      await client.subscribeAsync(topics, { qos: COMMAND_QOS });
    } catch {
      client.end(true);
      return;
    }
    // Without a primary host, birth at once; with one, when its STATE says online (onHostState).
    if (primaryHostId === undefined && this.client === client) this.publishBirths();
  }

  private onClosed(client: MqttClient): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.born = false;
    this.scheduleReconnect();
  }

  private async publishDeathAndDisconnect(client: MqttClient): Promise<void> {
    const topic = nodeTopic(this.options.group, 'NDEATH', this.edge);
    const timeoutMs = this.options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    // tck-id-operational-behavior-edge-node-intentional-disconnect-ndeath, then -packet: NDEATH, then DISCONNECT.
    const acknowledged = await new Promise<boolean>((resolve) => {
      const cancel = this.clock.schedule(timeoutMs, () => resolve(false));
      client.publish(topic, Buffer.from(this.deathPayload(this.bdSeq)), { qos: DEATH_QOS, retain: false }, (error) => {
        cancel();
        resolve(!error);
      });
    });
    // A connection that did not acknowledge is as good as dead: its will goes out without a DISCONNECT, and a
    // graceful end would wait for the PUBACK for ever.
    if (acknowledged) await client.endAsync();
    else await client.endAsync(true);
  }

  private deathPayload(bdSeq: number): Uint8Array {
    return encodePayload({ timestampMs: this.wallClockMs(), metrics: deathMetrics(bdSeq) });
  }

  // Publishing

  /** NBIRTH (seq 0), then a DBIRTH for every online device with a birth: at connect, STATE online and Rebirth. */
  private publishBirths(): void {
    const client = this.client;
    if (!client) return;
    const nowMs = this.wallClockMs();
    const seq = this.sequence.restart();
    const payload = encodePayload({ timestampMs: nowMs, seq, metrics: nodeBirthMetrics(this.bdSeq, nowMs) });
    client.publish(nodeTopic(this.options.group, 'NBIRTH', this.edge), Buffer.from(payload), { qos: 0, retain: false });
    this.born = true;
    for (const tracked of this.devices.all()) {
      tracked.born = false;
      if (tracked.online) this.publishDeviceBirth(tracked);
    }
  }

  private publishDeviceMessage(type: DeviceMessageType, device: string, metrics: Metric[]): void {
    if (!this.client || !this.born) return;
    const payload = encodePayload({ timestampMs: this.wallClockMs(), seq: this.sequence.take(), metrics });
    this.client.publish(deviceTopic(this.options.group, type, this.edge, device), Buffer.from(payload), {
      qos: 0,
      retain: false,
    });
  }

  private publishDeviceBirth(tracked: TrackedDevice): void {
    if (!this.born || !tracked.birth) return;
    const source = controlSource({ ...tracked, birth: tracked.birth });
    const anomalyMetrics = this.anomalyMetrics.birthMetrics(tracked.slot, tracked.birth, tracked.anomaly, Date.parse(tracked.birth.time));
    this.publishDeviceMessage('DBIRTH', tracked.device, [...deviceBirthMetrics(tracked.slot, source, tracked.values), ...anomalyMetrics]);
    tracked.publishedControls = controlValues(source);
    tracked.born = true;
  }

  private publishDeviceDeath(tracked: TrackedDevice): void {
    if (!tracked.born) return;
    this.publishDeviceMessage('DDEATH', tracked.device, []);
    tracked.born = false;
  }

  /** DDATA with the control metrics that changed; `forceLastResult` after a DCMD's answer, even an unchanged one. */
  private publishControlChanges(tracked: TrackedDevice, forceLastResult: boolean): void {
    if (!tracked.born || !tracked.birth) return;
    const source = controlSource({ ...tracked, birth: tracked.birth });
    if (forceLastResult) tracked.publishedControls.delete(LAST_RESULT_METRIC.row);
    const metrics = changedControlMetrics(tracked.slot, source, tracked.publishedControls);
    if (metrics.length === 0) return;
    this.publishDeviceMessage('DDATA', tracked.device, metrics);
    tracked.publishedControls = controlValues(source);
  }

  // The gateway's messages

  private onDeviceMessage(message: DeviceMessage): void {
    const tracked = this.devices.apply(message);
    switch (message.kind) {
      case 'birth':
        // A new birth is a new DBIRTH, also after a reboot without a DDEATH first (docs/mqtt.md §7).
        if (message.payload) this.publishDeviceBirth(tracked);
        else this.publishDeviceDeath(tracked);
        break;
      case 'state':
        if (!tracked.online) this.publishDeviceDeath(tracked);
        else if (!tracked.born) this.publishDeviceBirth(tracked);
        break;
      case 'status':
        this.publishControlChanges(tracked, false);
        break;
      case 'data':
        if (tracked.born && tracked.birth && message.payload.session === tracked.birth.session) {
          const metrics = dataMetrics(tracked.slot, tracked.birth, message.payload);
          if (metrics.length > 0) this.publishDeviceMessage('DDATA', tracked.device, metrics);
        }
        break;
      case 'latest':
      case 'log':
      case 'event':
        break;
    }
  }

  /** docs/mqtt.md §7 "Anomaly metrics": a score or a state change is a DDATA of its own. */
  private onAnomalyResult(result: AnomalyResult): void {
    const tracked = this.devices.find(result.device);
    if (tracked === undefined) return;
    recordAnomalyResult(tracked.anomaly, result);
    if (!tracked.born || !tracked.birth) return;
    const metric = this.anomalyMetrics.dataMetric(tracked.slot, tracked.birth, result);
    if (metric !== undefined) this.publishDeviceMessage('DDATA', tracked.device, [metric]);
  }

  // The broker's messages: STATE, NCMD, DCMD

  private onBrokerMessage(client: MqttClient, topic: string, payload: Buffer): void {
    if (client !== this.client) return;
    const { group, primaryHostId } = this.options;
    if (primaryHostId !== undefined && topic === stateTopic(primaryHostId)) {
      void this.onHostState(client, payload);
    } else if (topic === nodeTopic(group, 'NCMD', this.edge)) {
      this.onNodeCommand(payload);
    } else {
      const device = deviceOfCommandTopic(topic, group, this.edge);
      if (device !== undefined) this.onDeviceCommand(device, payload);
    }
  }

  /**
   * Sparkplug 3.0 Primary Host Application: birth once it is online
   * (tck-id-operational-behavior-edge-node-birth-sequence-wait); once born, `online:false` means NDEATH,
   * DISCONNECT and a new CONNECT with the next `bdSeq` (tck-id-message-flow-edge-node-birth-publish-phid-offline).
   * Before NBIRTH, `online:false` is waited out on this connection: the STATE is retained, so disconnecting on it
   * would only meet it again.
   */
  private async onHostState(client: MqttClient, payload: Buffer): Promise<void> {
    const parsed = parseHostState(payload);
    const state = parsed && this.primaryHost.take(parsed);
    if (!state) return;
    if (state.online) {
      if (!this.born) this.publishBirths();
    } else if (this.born) {
      this.born = false;
      await this.publishDeathAndDisconnect(client);
    }
  }

  private decodeCommand(payload: Buffer): ReceivedPayload | undefined {
    try {
      return decodePayload(payload);
    } catch (error) {
      if (!(error instanceof PayloadDecodeError)) throw error;
      this.counters.rejectCommand('malformed');
      return undefined;
    }
  }

  /** NCMD `Node Control/Rebirth` = true: NBIRTH and every DBIRTH again, on the same connection and `bdSeq`. */
  private onNodeCommand(payload: Buffer): void {
    const command = this.decodeCommand(payload);
    if (!command) return;
    let rebirth = false;
    for (const metric of command.metrics) {
      if (!addressesNodeRebirth(metric)) this.counters.rejectCommand('unknown-metric');
      else if (typeof metric.value !== 'boolean') this.counters.rejectCommand('bad-value');
      else rebirth ||= metric.value;
    }
    if (rebirth && this.born) this.publishBirths();
  }

  /** DCMD: writes to a device's control metrics become §5.1 commands, each answer `Device Control/Last Result`. */
  private onDeviceCommand(device: string, payload: Buffer): void {
    const command = this.decodeCommand(payload);
    if (!command) return;
    const tracked = this.devices.find(device);
    if (!tracked?.born || !tracked.birth) {
      this.counters.rejectCommand('unknown-device');
      return;
    }
    const available = controlMetricsOf(tracked.birth);
    const writes: ControlWrite[] = [];
    for (const metric of command.metrics) {
      const control = resolveControlMetric(metric, tracked.slot, available);
      if (control) writes.push({ metric: control, value: metric.value });
      else this.counters.rejectCommand('unknown-metric');
    }
    const { requests, rejections } = commandsForWrites(writes, tracked.status);
    for (const reason of rejections) this.counters.rejectCommand(reason);
    void this.runCommands(tracked, requests);
  }

  private async runCommands(tracked: TrackedDevice, requests: readonly CommandRequest[]): Promise<void> {
    for (const request of requests) {
      const answer: CommandAnswer = await this.view.command(tracked.device, request.command, request.payload);
      tracked.lastResult = JSON.stringify(answer);
      this.publishControlChanges(tracked, true);
    }
  }
}
