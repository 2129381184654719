import { LinkDecoder } from '../../../../host/link/decoder.ts';
import { LinkEncoder } from '../../../../host/link/encoder.ts';
import type { CommandMessage, HeartbeatMessage, HelloMessage, LinkMessage, MetricMessage } from '../../../../host/link/messages.ts';
import { LinkListeners, type LinkCloseReason } from '../../../../host/edge/links/link-listeners.ts';
import type { DeviceLink, LinkSource } from '../../../../host/edge/links/link.ts';

/** A device link the test drives: frames in from the device's side, the edge's writes kept and decoded. */
export class FakeLink implements DeviceLink {
  private readonly listeners = new LinkListeners();
  private readonly fromEdge = new LinkDecoder();
  readonly commands: { command: CommandMessage; bytes: Uint8Array }[] = [];
  onCommand: ((command: CommandMessage) => void) | undefined;

  constructor(readonly name: string) {}

  send(bytes: Uint8Array): void {
    this.listeners.data(bytes);
  }

  write(bytes: Uint8Array): void {
    for (const { message } of this.fromEdge.push(bytes)) {
      if (message.type !== 'command') continue;
      this.commands.push({ command: message, bytes: Uint8Array.from(bytes) });
      this.onCommand?.(message);
    }
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.listeners.onData(listener);
  }

  onClose(listener: (reason: LinkCloseReason) => void): void {
    this.listeners.onClose(listener);
  }

  async close(reason: LinkCloseReason = 'closed'): Promise<void> {
    this.listeners.close(reason);
  }
}

/** Hands the gateway the links the test makes, whenever it makes them. */
export class FakeLinkSource implements LinkSource {
  readonly name = 'fake';
  private onLink: ((link: DeviceLink) => void) | undefined;
  private readonly links: FakeLink[] = [];

  async start(onLink: (link: DeviceLink) => void): Promise<void> {
    this.onLink = onLink;
  }

  async stop(): Promise<void> {
    await Promise.all(this.links.map((link) => link.close()));
  }

  connect(name = `fake:${this.links.length}`): FakeLink {
    const link = new FakeLink(name);
    this.links.push(link);
    this.onLink!(link);
    return link;
  }
}

/** The example device of docs/mqtt.md §3.2, with two metrics. */
export const DOC_SESSION = 305419896;
export const DOC_METRICS: Omit<MetricMessage, 'type'>[] = [
  { id: 0, name: 'tmp102.temperature', unit: 'Cel', kind: 0, range: { min: -40, max: 125 } },
  { id: 4, name: 'sht31.humidity', unit: '%RH', kind: 0, range: { min: 0, max: 100 } },
];

export function docHello(deviceId: string, overrides: Partial<HelloMessage> = {}): HelloMessage {
  return {
    type: 'hello',
    deviceId,
    linkMinor: 0,
    firmwareVersion: 'wasmote-sim/2',
    capabilities: 0b10,
    board: 'sim',
    appName: 'sensor-node',
    appVersion: 'sensor-node@1a2b3c4d',
    appHash: new Uint8Array(32).fill(0x1a),
    abiVersion: 0x0001_0001,
    bootReason: 0,
    helloReason: 0,
    session: DOC_SESSION,
    bootCount: 1,
    uptimeMs: 0,
    heartbeatPeriodMs: 5000,
    reportIntervalMs: 1000,
    appState: 0,
    metricCount: DOC_METRICS.length,
    opcodes: [0x01, 0x02, 0x03, 0x80],
    ...overrides,
  };
}

/** docs/link-protocol.md §4.8: a HEARTBEAT with nothing wrong on the device's side, LED off unless overridden. */
export function docHeartbeat(session: number, overrides: Partial<HeartbeatMessage> = {}): HeartbeatMessage {
  return {
    type: 'heartbeat',
    uptimeMs: 5000,
    session,
    heartbeatPeriodMs: 5000,
    bootCount: 1,
    appState: 0,
    restartAtMs: 0,
    consecutiveFailures: 0,
    lastFailureKind: 0,
    lastFailureCode: 0,
    rxFrames: 1,
    rxDrops: { oversize: 0, cobs: 0, short: 0, crc: 0, version: 0, unknownType: 0, malformed: 0 },
    commandsDropped: 0,
    ledMode: 255,
    ledPeriodMs: 0,
    ledLevel: 255,
    brightnessU16: 0,
    reportIntervalMs: 1000,
    ...overrides,
  };
}

/** A device's side of the link: numbered frames (docs/link-protocol.md §5) of its session. */
export class FakeDevice {
  encoder: LinkEncoder;

  constructor(
    readonly link: FakeLink,
    readonly deviceId: string,
    public session = DOC_SESSION,
  ) {
    this.encoder = new LinkEncoder({ session });
  }

  send(message: LinkMessage): void {
    this.link.send(this.encoder.encode(message));
  }

  /** HELLO and its METRICs (docs/link-protocol.md §7.1). */
  boot(overrides: Partial<HelloMessage> = {}): void {
    this.send(docHello(this.deviceId, { session: this.session, ...overrides }));
    for (const metric of DOC_METRICS) this.send({ type: 'metric', ...metric });
  }

  /** A reboot: a new session, numbered from 0. */
  reboot(session: number): void {
    this.session = session;
    this.encoder = new LinkEncoder({ session });
    this.boot({ session, bootReason: 3, bootCount: 2 });
  }

  heartbeat(uptimeMs: number): void {
    this.send(docHeartbeat(this.session, { uptimeMs, rxFrames: 3, ledMode: 3, ledPeriodMs: 500, ledLevel: 1 }));
  }

  data(timeMs: number, values: { id: number; value: number }[]): void {
    this.send({ type: 'data', timeMs, values });
  }

  /** Answers a command as the runner or app would (docs/link-protocol.md §4.6). */
  answer(commandId: number, origin: 0 | 1, status: number, cached = false, payload = new Uint8Array(0)): void {
    this.send({ type: 'command-result', commandId, origin, status, cached, payload });
  }
}
