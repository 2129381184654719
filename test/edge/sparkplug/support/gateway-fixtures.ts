import type {
  BirthMessage,
  CommandAnswer,
  DataMessage,
  DeviceMessage,
  DeviceStateMessage,
  GatewayView,
  LatestMessage,
  StatusMessage,
} from '../../../../host/edge/gateway/messages.ts';

/**
 * The profile's input: a GatewayView fed by the test with the messages of docs/mqtt.md §3–§4, as a simulated
 * sensor-node gives them (drivers/apps/sensor-node.ts: metric ids, names, UCUM units and datasheet ranges).
 */
export class ScriptedGateway implements GatewayView {
  readonly edgeSession = 2_882_400_018;
  readonly commands: { device: string; command: string; payload: Record<string, unknown> }[] = [];
  /** What `command()` answers; the default acknowledges. */
  answer: (device: string, command: string) => CommandAnswer = (device, command) => ({
    device,
    command,
    result: 'ok',
    origin: 'app',
    status: 'OK',
    statusCode: 0,
    cached: false,
    rttMs: 12,
  });
  private readonly listeners = new Set<(message: DeviceMessage) => void>();
  private readonly retained = new Map<string, ReturnType<GatewayView['devices']>[number]>();

  constructor(readonly edgeId: string) {}

  onMessage(listener: (message: DeviceMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  devices(): ReturnType<GatewayView['devices']> {
    return [...this.retained.values()];
  }

  async command(device: string, command: string, payload: Record<string, unknown>): Promise<CommandAnswer> {
    this.commands.push({ device, command, payload });
    return this.answer(device, command);
  }

  /** Publishes a message as the gateway would: retained kinds also become the state `devices()` returns. */
  emit(message: DeviceMessage): void {
    const entry = this.retained.get(message.device) ?? {
      device: message.device,
      birth: null,
      state: null,
      status: null,
      latest: null,
    };
    if (message.kind === 'birth') entry.birth = message.payload;
    if (message.kind === 'state') entry.state = message.payload;
    if (message.kind === 'status') entry.status = message.payload;
    if (message.kind === 'latest') entry.latest = message.payload;
    this.retained.set(message.device, entry);
    for (const listener of this.listeners) listener(message);
  }

  /** A device coming up: `state` online (seen), its `birth`, then a first `status`. */
  bringUp(birth: BirthMessage, status: StatusMessage = statusOf(birth)): void {
    this.emit({ device: birth.device, kind: 'state', payload: online(birth) });
    this.emit({ device: birth.device, kind: 'birth', payload: birth });
    this.emit({ device: birth.device, kind: 'status', payload: status });
  }
}

const BOOT_TIME = '2026-12-04T07:30:00.000Z';
export const STANDARD_COMMANDS = ['led', 'interval', 'brightness', 'ping', 'hello', 'reboot'];

/** §3.2's example birth: a sensor-node with a TMP102 (link metric id 1) and an SHT31 (ids 2 and 3). */
export function sensorNodeBirth(device: string, overrides: Partial<BirthMessage> = {}): BirthMessage {
  return {
    device,
    edge: 'lab',
    time: BOOT_TIME,
    session: 305_419_896,
    bootCount: 1,
    bootReason: 'power-on',
    helloReason: 'boot',
    board: 'sim',
    firmware: 'wasmote-sim/2',
    link: '2.0',
    capabilities: ['reboot'],
    app: { name: 'sensor-node', version: 'sensor-node@1a2b3c4d', hash: '1a2b3c4d', abi: '1.1', state: 'running' },
    heartbeatPeriodMs: 5000,
    offlineAfterMs: 15_000,
    reportIntervalMs: 1000,
    metrics: [
      { id: 1, name: 'tmp102.temperature', unit: 'Cel', kind: 'number', min: -40, max: 125 },
      { id: 2, name: 'sht31.temperature', unit: 'Cel', kind: 'number', min: -40, max: 125 },
      { id: 3, name: 'sht31.humidity', unit: '%RH', kind: 'number', min: 0, max: 100 },
    ],
    commands: [...STANDARD_COMMANDS, 'app:0x80'],
    ...overrides,
  };
}

/** A BME280 node with an integer counter and a boolean flag of its own, no range and no unit on those. */
export function mixedKindBirth(device: string): BirthMessage {
  return sensorNodeBirth(device, {
    session: 0x0bad_cafe,
    metrics: [
      { id: 5, name: 'bme280.pressure', unit: 'Pa', kind: 'number', min: 30_000, max: 110_000 },
      { id: 20, name: 'app.ticks', unit: '', kind: 'integer' },
      { id: 21, name: 'app.alarm', unit: '', kind: 'boolean' },
    ],
    commands: ['ping', 'hello', 'reboot'],
  });
}

export function online(birth: BirthMessage, reason: DeviceStateMessage['reason'] = 'seen'): DeviceStateMessage {
  return { state: 'online', time: birth.time, session: birth.session, reason, edgeSession: 2_882_400_018 };
}

export function offline(birth: BirthMessage): DeviceStateMessage {
  return {
    state: 'offline',
    time: '2026-12-04T07:31:15.000Z',
    session: birth.session,
    reason: 'heartbeat-timeout',
    lastSeen: '2026-12-04T07:31:00.000Z',
    edgeSession: 2_882_400_018,
  };
}

/** §3.4's example status, for the birth's session. */
export function statusOf(birth: BirthMessage, overrides: Partial<StatusMessage> = {}): StatusMessage {
  return {
    time: '2026-12-04T07:30:05.000Z',
    uptimeMs: 5000,
    session: birth.session,
    seq: 41,
    app: { state: 'running', consecutiveFailures: 0, lastFailure: null },
    led: { mode: 'blink', periodMs: 500, level: 1 },
    brightnessU16: 0,
    reportIntervalMs: 1000,
    deviceLink: {
      rxFrames: 3,
      rxDrops: { crc: 0, cobs: 0, short: 0, oversize: 0, version: 0, unknownType: 0, malformed: 0 },
      commandsDropped: 0,
    },
    edgeLink: {
      framesOk: 812,
      drops: { crc: 1 },
      gaps: 0,
      duplicates: 0,
      reorders: 0,
      late: 0,
      resets: 0,
      sessionChanges: 0,
      lastSeen: '2026-12-04T07:30:05.003Z',
    },
    ...overrides,
  };
}

/** §4.1's example data, one tick `seconds` after boot. */
export function dataOf(birth: BirthMessage, seconds: number, values: Record<string, number>): DataMessage {
  return {
    time: new Date(Date.parse(BOOT_TIME) + seconds * 1000).toISOString(),
    uptimeMs: seconds * 1000,
    session: birth.session,
    seq: 27 + seconds,
    values,
  };
}

export function latestOf(birth: BirthMessage, values: Record<string, number>): LatestMessage {
  return {
    session: birth.session,
    values: Object.fromEntries(
      Object.entries(values).map(([name, value]) => [name, { value, time: '2026-12-04T07:30:01.000Z' }]),
    ),
  };
}
