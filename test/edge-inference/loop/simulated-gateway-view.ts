/**
 * A minimal GatewayView over a simulated fleet, for tests only: the simulator's decoded link messages become the
 * docs/mqtt.md birth (§3.2), status (§3.4) and data (§4.1) messages, and `led` commands (§5.1) become LED
 * commands on the device's link, answered from its COMMAND_RESULT. The real gateway replaces it; it takes the
 * fleet's virtual time as wall time from `epochMs`, and assumes the devices do not reboot.
 */
import type { BirthMessage, CommandAnswer, DeviceMessage, GatewayView, StatusMessage } from '../../../host/edge/gateway/messages.ts';
import type { HelloMessage, MetricMessage } from '../../../host/link/messages.ts';
import type { DeviceMessage as SimMessage, Simulation } from '../../../host/sim/simulation.ts';

/** docs/hal-abi.md §6: LED, opcode 0x01, `mode: u8`, `period_ms: u16` little-endian. */
const LED_OPCODE = 0x01;
const LED_MODES: Record<string, number> = { off: 0, on: 1, toggle: 2, blink: 3 };
/** docs/link-protocol.md §4.8 `led_mode` as §3.4 names it. */
const STATUS_LED_MODES: Record<number, StatusMessage['led']['mode']> = { 0: 'off', 1: 'on', 3: 'blink' };

interface DeviceState {
  index: number;
  hello: HelloMessage | undefined;
  metrics: MetricMessage[];
}

export class SimulatedGatewayView implements GatewayView {
  readonly edgeSession = 1;
  readonly commandsSent: { device: string; command: string; payload: Record<string, unknown> }[] = [];
  private readonly listeners = new Set<(message: DeviceMessage) => void>();
  private readonly states = new Map<string, DeviceState>();
  private readonly waiting = new Map<string, (answer: CommandAnswer) => void>();
  private simulation: Simulation | undefined;

  constructor(
    readonly edgeId: string,
    private readonly epochMs: number,
  ) {}

  /** The simulation's onMessage. */
  readonly take = (message: SimMessage): void => {
    let state = this.states.get(message.deviceId);
    if (state === undefined) {
      state = { index: message.index, hello: undefined, metrics: [] };
      this.states.set(message.deviceId, state);
    }
    const link = message.message;
    const device = message.deviceId;
    if (link.type === 'hello') {
      state.hello = link;
      state.metrics = [];
      if (link.metricCount === 0) this.emit({ device, kind: 'birth', payload: this.birth(device, state) });
    } else if (link.type === 'metric') {
      state.metrics.push(link);
      if (state.metrics.length === state.hello?.metricCount) this.emit({ device, kind: 'birth', payload: this.birth(device, state) });
    } else if (link.type === 'data' && state.hello !== undefined) {
      const names = new Map(state.metrics.map((metric) => [metric.id, metric.name]));
      const values: Record<string, number> = {};
      for (const { id, value } of link.values) values[names.get(id)!] = value;
      const time = this.wallTime(link.timeMs);
      this.emit({ device, kind: 'data', payload: { time, uptimeMs: link.timeMs, session: state.hello.session, seq: message.seq, values } });
    } else if (link.type === 'heartbeat') {
      // Only what the loop reads of §3.4.
      const status = {
        time: this.wallTime(link.uptimeMs),
        uptimeMs: link.uptimeMs,
        session: link.session,
        seq: message.seq,
        led: { mode: STATUS_LED_MODES[link.ledMode] ?? 'unknown', periodMs: link.ledPeriodMs, level: null },
      } as unknown as StatusMessage;
      this.emit({ device, kind: 'status', payload: status });
    } else if (link.type === 'command-result') {
      const answer = this.waiting.get(`${state.index}:${link.commandId}`);
      this.waiting.delete(`${state.index}:${link.commandId}`);
      answer?.({
        device,
        command: 'led',
        result: link.status === 0 ? 'ok' : 'nack',
        origin: link.origin === 0 ? 'app' : 'runner',
        status: String(link.status),
        statusCode: link.status,
        cached: link.cached,
        rttMs: 0,
      });
    }
  };

  attach(simulation: Simulation): void {
    this.simulation = simulation;
  }

  onMessage(listener: (message: DeviceMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  devices(): ReturnType<GatewayView['devices']> {
    return [];
  }

  command(device: string, command: string, payload: Record<string, unknown>): Promise<CommandAnswer> {
    this.commandsSent.push({ device, command, payload });
    const state = this.states.get(device);
    const mode = LED_MODES[String(payload.mode)];
    if (state === undefined || command !== 'led' || mode === undefined || this.simulation === undefined) {
      return Promise.resolve({ device, command, result: 'error', origin: 'edge', error: 'unknown-command', detail: 'the test view sends led only' });
    }
    const periodMs = Number(payload.periodMs ?? 0);
    const bytes = Uint8Array.of(LED_OPCODE, mode, periodMs & 0xff, periodMs >> 8);
    const commandId = this.simulation.sendCommand(state.index, bytes);
    return new Promise((resolve) => this.waiting.set(`${state.index}:${commandId}`, resolve));
  }

  private emit(message: DeviceMessage): void {
    for (const listener of this.listeners) listener(message);
  }

  private wallTime(uptimeMs: number): string {
    return new Date(this.epochMs + uptimeMs).toISOString();
  }

  private birth(device: string, state: DeviceState): BirthMessage {
    const hello = state.hello!;
    return {
      device,
      edge: this.edgeId,
      time: this.wallTime(hello.uptimeMs),
      session: hello.session,
      bootCount: hello.bootCount,
      bootReason: 'power-on',
      helloReason: 'boot',
      board: hello.board,
      firmware: hello.firmwareVersion,
      link: `2.${hello.linkMinor}`,
      capabilities: [],
      app: { name: hello.appName, version: hello.appVersion, hash: '', abi: '1.1', state: 'running' },
      heartbeatPeriodMs: hello.heartbeatPeriodMs,
      offlineAfterMs: 3 * hello.heartbeatPeriodMs,
      reportIntervalMs: hello.reportIntervalMs,
      metrics: state.metrics.map((metric) => ({ id: metric.id, name: metric.name, unit: metric.unit, kind: 'number' })),
      commands: ['led'],
    };
  }
}
