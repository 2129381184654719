import { AppInstance } from '../abi/app-instance.ts';
import { AppTrap } from '../abi/trap.ts';
import { crc32 } from '../link/crc32.ts';
import { DEVICE_RECEIVER, LinkDecoder } from '../link/decoder.ts';
import { LinkEncoder } from '../link/encoder.ts';
import {
  AppState,
  BootReason,
  Capability,
  EventKind,
  HelloReason,
  LINK_MINOR,
  LogLevel,
  ResultOrigin,
  RunnerOpcode,
  RunnerStatus,
  type CommandResultMessage,
  type LinkMessage,
  type MetricValue,
} from '../link/messages.ts';
import type { AppImage } from './app-image.ts';
import { hash32 } from './deterministic-noise.ts';
import type { Scenario } from './scenario.ts';
import { createSimBoard, LED_PIN, LED_PWM_CHANNEL, type SimBoard } from './sim-board.ts';

const US_PER_MS = 1000;
/** docs/hal-abi.md §7: the n-th consecutive trap waits min(2^(n-1), 60) s before the restart. */
const TRAP_BACKOFF_MAX_MS = 60_000;
/** A tick asking for 0 ms is treated as 1 ms, so a device always lets time move (docs/hal-abi.md §2). */
const MIN_TICK_DELAY_MS = 1;
/** docs/link-protocol.md §7.2: the HEARTBEAT period both runners announce in HELLO. */
export const HEARTBEAT_PERIOD_MS = 5000;
/** docs/link-protocol.md §7.1: LOG payload held back while `init` runs; each log costs its text and 10 bytes. */
const HELD_INIT_LOG_BYTES = 192;
const LOG_PAYLOAD_OVERHEAD_BYTES = 10;
/** docs/link-protocol.md §4.3: values per DATA message. */
const VALUES_PER_DATA = 24;
/** docs/link-protocol.md §7.4: commands waiting, and results kept for repeats. */
const COMMAND_QUEUE_LENGTH = 4;
const RESULT_STORE_LENGTH = 8;
/** docs/link-protocol.md §4.5.1: the runner's opcodes. */
const RUNNER_OPCODE_FIRST = 0x70;
const RUNNER_OPCODE_LAST = 0x7f;
/** docs/link-protocol.md §4.8 `led_mode` / `led_level` when unknown. */
const NOT_SET = 255;
const LED_BLINKING = 3;

export const SIM_FIRMWARE_VERSION = 'wasmote-sim/2';
export const SIM_BOARD_NAME = 'sim';

export interface SimDeviceOptions {
  deviceId: string;
  /** Index in the fleet: scenario faults may name devices by it. */
  index: number;
  seed: number;
  /** Mixed into every boot's session (docs/link-protocol.md §5.1), so separate runs draw separate sessions. */
  runNonce: number;
  app: AppImage;
  scenario: Scenario;
  /** The device's UART transmit line: complete link frames, in order. */
  transmit(frame: Uint8Array): void;
}

interface WaitingCommand {
  /** The COMMAND frame's `session_tag`: the edge's, part of the store's key (§7.4). */
  sessionTag: number;
  commandId: number;
  payload: Uint8Array;
}

type StoredResult = Omit<CommandResultMessage, 'type' | 'cached'>;

/**
 * One simulated device: a board with virtual chips, an app instance, and the runner between them and the device
 * link (docs/link-protocol.md §7): start-up order, heartbeats, the command queue and result store, and the
 * runner's own commands. A scheduler calls `wake()` at `nextWakeUs` on the fleet's virtual clock.
 */
export class SimDevice {
  readonly deviceId: string;
  readonly board: SimBoard;
  /** When the device next needs the CPU, µs of fleet time. */
  nextWakeUs = 0;

  private bootCount = 0;
  private session = 0;
  private bootReason: BootReason = BootReason.PowerOn;
  private encoder: LinkEncoder | null = null;
  /** The device's receiver accepts what a board's does (docs/link-protocol.md §2). */
  private receiver = new LinkDecoder(DEVICE_RECEIVER);

  private instance: AppInstance | null = null;
  private nextTickUs = 0;
  /** While the app backs off: when it restarts, µs of fleet time. */
  private restartAtUs = 0;
  private consecutiveFailures = 0;
  private lastFailure = { kind: 0, code: 0 };
  private commandsDropped = 0;
  private readonly waiting: WaitingCommand[] = [];
  private storedResults = new Map<string, StoredResult>();
  private nextHeartbeatUs = 0;
  /** Set while `init` runs: its logs wait for the HELLO (§7.1). */
  private heldLogs: { level: number; text: string; timeMs: number }[] | null = null;
  private heldLogBytes = 0;
  private droppedInitLogs = 0;
  private reportIntervalMs = 0;
  private ledMode = NOT_SET;
  private ledPeriodMs = 0;
  /** When the current tick started, ms of uptime: the DATA time stamp (hal-abi.md §4.6). */
  private tickStartMs = 0;
  /** The app's `wasmote_abi_version`, 0 until an instance exists. */
  private abiVersion = 0;

  constructor(private readonly options: SimDeviceOptions) {
    this.deviceId = options.deviceId;
    this.board = createSimBoard(options.scenario, options.seed, options.index, (level, text) => this.log(level, text));
  }

  /** The device's monotonic clock: µs since its last boot. */
  get uptimeUs(): number {
    return this.board.nowUs();
  }

  /** True while the app is stopped after a trap, waiting for its restart. */
  get restarting(): boolean {
    return this.instance === null;
  }

  /** docs/link-protocol.md §7.2: the runner's loop, run until nothing is due at the current time. */
  wake(): void {
    this.board.nowUsValue = Math.max(this.board.nowUsValue, this.nextWakeUs);
    if (this.bootCount === 0) this.boot(BootReason.PowerOn);
    for (;;) {
      const now = this.board.nowUsValue;
      if (now >= this.nextHeartbeatUs) {
        this.sendHeartbeat();
      } else if (this.instance === null && now >= this.restartAtUs) {
        this.startApp(HelloReason.AppRestart);
      } else if (this.waiting.length > 0) {
        // A REBOOT empties the queue: what waited behind it is lost with the RAM, as on a board.
        this.runCommand(this.waiting.shift()!);
      } else if (this.instance !== null && now >= this.nextTickUs) {
        this.tick(this.instance);
      } else {
        break;
      }
    }
    this.schedule();
  }

  /** Bytes arriving on the device's UART receive line at fleet time `atUs`. */
  receive(bytes: Uint8Array, atUs: number): void {
    this.board.nowUsValue = Math.max(this.board.nowUsValue, atUs);
    for (const { message, sessionTag } of this.receiver.push(bytes)) {
      if (message.type !== 'command') continue;
      if (this.waiting.length >= COMMAND_QUEUE_LENGTH) {
        this.commandsDropped = (this.commandsDropped + 1) >>> 0;
        this.sendResult(message.commandId, { origin: ResultOrigin.Runner, status: RunnerStatus.QueueFull });
        continue;
      }
      this.waiting.push({ sessionTag, commandId: message.commandId, payload: message.payload });
    }
    this.schedule();
  }

  /** A power-on or a reset: fresh runner state, a new session, the app started from scratch (§5.1, §7.1). */
  private boot(reason: BootReason): void {
    this.bootReason = reason;
    this.board.reset();
    this.bootCount += 1;
    this.session = hash32(hash32(this.options.runNonce, this.options.seed), this.bootCount) >>> 0 || 1;
    this.encoder = new LinkEncoder({ session: this.session });
    this.receiver = new LinkDecoder(DEVICE_RECEIVER);
    this.instance = null;
    this.consecutiveFailures = 0;
    this.lastFailure = { kind: 0, code: 0 };
    this.commandsDropped = 0;
    this.waiting.length = 0;
    this.storedResults = new Map();
    this.reportIntervalMs = 0;
    this.ledMode = NOT_SET;
    this.ledPeriodMs = 0;
    this.nextHeartbeatUs = this.board.nowUsValue + HEARTBEAT_PERIOD_MS * US_PER_MS;
    this.startApp(HelloReason.Boot);
  }

  private startApp(reason: HelloReason): void {
    this.heldLogs = [];
    this.heldLogBytes = 0;
    this.droppedInitLogs = 0;
    let trap: AppTrap | null = null;
    let instance: AppInstance | null = null;
    try {
      instance = new AppInstance(this.options.app.module, {
        port: this.board,
        seed: this.options.seed,
        onData: (values) => this.sendData(this.tickStartMs, values),
      });
      instance.init();
    } catch (error) {
      trap = asTrap(error);
    }
    const logs = this.heldLogs;
    this.heldLogs = null;
    this.abiVersion = instance?.abiVersion ?? 0;
    this.instance = trap === null ? instance : null;
    this.readOutputs();
    const helloTimeMs = this.uptimeMs();
    this.sendHello(reason);
    if (this.instance !== null) this.sendMetrics(this.instance);
    for (const { level, text, timeMs } of logs) this.sendLog(level, text, timeMs);
    if (this.droppedInitLogs > 0) this.sendLog(LogLevel.Warning, `runner: ${this.droppedInitLogs} init logs dropped`, helloTimeMs);
    if (trap !== null) {
      this.failed(trap);
      return;
    }
    this.nextTickUs = this.board.nowUsValue;
  }

  private tick(instance: AppInstance): void {
    const startMs = Math.floor(this.uptimeUs / US_PER_MS);
    this.tickStartMs = startMs;
    try {
      const delayMs = Math.max(instance.tick(startMs), MIN_TICK_DELAY_MS);
      this.consecutiveFailures = 0;
      this.readOutputs();
      this.sendData(startMs, instance.metrics.takeReported());
      this.nextTickUs = Math.max(this.board.nowUsValue, this.board.nowUsValue + ((startMs + delayMs) * US_PER_MS - this.uptimeUs));
    } catch (error) {
      this.sendData(startMs, instance.metrics.takeReported());
      this.failed(asTrap(error));
    }
  }

  /** §7.4: a repeat is answered from the store; the runner's opcodes are the runner's; the rest go to the app. */
  private runCommand({ sessionTag, commandId, payload }: WaitingCommand): void {
    const key = `${sessionTag}:${commandId}:${crc32(payload)}`;
    const stored = this.storedResults.get(key);
    if (stored !== undefined) {
      this.send({ type: 'command-result', ...stored, cached: true });
      return;
    }
    const opcode = payload[0]!;
    if (opcode >= RUNNER_OPCODE_FIRST && opcode <= RUNNER_OPCODE_LAST) {
      this.runRunnerCommand(commandId, payload);
      return;
    }
    const instance = this.instance;
    if (instance === null) {
      const restartAtMs = BigInt(this.restartAtMs());
      const restartAt = new Uint8Array(8);
      new DataView(restartAt.buffer).setBigUint64(0, restartAtMs, true);
      this.sendResult(commandId, { origin: ResultOrigin.Runner, status: RunnerStatus.AppNotRunning, payload: restartAt });
      return;
    }
    let status: number | null;
    try {
      status = instance.command(payload);
    } catch (error) {
      const trap = asTrap(error);
      this.storeAndSend(commandId, key, { origin: ResultOrigin.Runner, status: RunnerStatus.AppTrapped });
      this.failed(trap);
      return;
    }
    this.readOutputs();
    this.nextTickUs = this.board.nowUsValue;
    if (status === null) {
      this.storeAndSend(commandId, key, { origin: ResultOrigin.Runner, status: RunnerStatus.NoCommandBuffer });
    } else if (status < 0 || status > 0xff) {
      const value = new Uint8Array(4);
      new DataView(value.buffer).setInt32(0, status, true);
      this.storeAndSend(commandId, key, { origin: ResultOrigin.Runner, status: RunnerStatus.StatusOutOfRange, payload: value });
    } else {
      this.storeAndSend(commandId, key, { origin: ResultOrigin.App, status });
    }
  }

  /** docs/link-protocol.md §4.5.1: answered, never stored (§7.4). */
  private runRunnerCommand(commandId: number, payload: Uint8Array): void {
    const opcode = payload[0]!;
    const known = opcode === RunnerOpcode.Ping || opcode === RunnerOpcode.Hello || opcode === RunnerOpcode.Reboot;
    if (!known) {
      this.sendResult(commandId, { origin: ResultOrigin.Runner, status: RunnerStatus.Unsupported });
      return;
    }
    if (payload.length !== 1) {
      this.sendResult(commandId, { origin: ResultOrigin.Runner, status: RunnerStatus.BadArgument });
      return;
    }
    this.sendResult(commandId, { origin: ResultOrigin.Runner, status: RunnerStatus.Ok });
    if (opcode === RunnerOpcode.Hello) {
      this.sendHello(HelloReason.Requested);
      if (this.instance !== null) this.sendMetrics(this.instance);
    } else if (opcode === RunnerOpcode.Reboot) {
      this.sendEvent(EventKind.Reboot, 0, '');
      this.boot(BootReason.Reboot);
    }
  }

  /** docs/hal-abi.md §7: report, drop the instance, restart after the back-off. */
  private failed(trap: AppTrap): void {
    this.instance = null;
    this.readOutputs();
    this.consecutiveFailures = Math.min(this.consecutiveFailures + 1, 0xffff);
    this.lastFailure = { kind: EventKind.Trap, code: trap.code };
    this.sendEvent(EventKind.Trap, trap.code, trap.message, trap.file, trap.line, trap.column);
    const backoffMs = Math.min(2 ** (this.consecutiveFailures - 1) * 1000, TRAP_BACKOFF_MAX_MS);
    this.restartAtUs = this.board.nowUsValue + backoffMs * US_PER_MS;
  }

  private schedule(): void {
    let next = this.nextHeartbeatUs;
    if (this.waiting.length > 0) next = this.board.nowUsValue;
    else next = Math.min(next, this.instance === null ? this.restartAtUs : this.nextTickUs);
    this.nextWakeUs = Math.max(next, this.board.nowUsValue);
  }

  /** hal-abi.md §4.7: the running instance's output states; "not set" while none runs. */
  private readOutputs(): void {
    const outputs = this.instance?.outputs;
    this.reportIntervalMs = outputs?.reportIntervalMs ?? 0;
    this.ledMode = outputs?.ledMode ?? NOT_SET;
    // hal-abi.md §4.7: the period counts only while blinking.
    this.ledPeriodMs = this.ledMode === LED_BLINKING ? (outputs?.ledPeriodMs ?? 0) : 0;
  }

  private log(level: number, text: string): void {
    const held = this.heldLogs;
    if (held === null) {
      this.sendLog(level, text);
      return;
    }
    const bytes = LOG_PAYLOAD_OVERHEAD_BYTES + Buffer.byteLength(text);
    // From the first log that does not fit, every later one is dropped (§7.1).
    if (this.droppedInitLogs > 0 || this.heldLogBytes + bytes > HELD_INIT_LOG_BYTES) {
      this.droppedInitLogs += 1;
      return;
    }
    this.heldLogBytes += bytes;
    held.push({ level, text, timeMs: this.uptimeMs() });
  }

  private sendHello(helloReason: HelloReason): void {
    const instance = this.instance;
    this.send({
      type: 'hello',
      deviceId: this.deviceId,
      linkMinor: LINK_MINOR,
      firmwareVersion: SIM_FIRMWARE_VERSION,
      capabilities: 0,
      board: SIM_BOARD_NAME,
      appName: this.options.app.name,
      appVersion: this.options.app.version,
      appHash: this.options.app.hash,
      abiVersion: this.abiVersion,
      bootReason: this.bootReason,
      helloReason,
      session: this.session,
      bootCount: this.bootCount,
      uptimeMs: this.uptimeMs(),
      heartbeatPeriodMs: HEARTBEAT_PERIOD_MS,
      reportIntervalMs: this.reportIntervalMs,
      appState: instance === null ? AppState.BackingOff : AppState.Running,
      metricCount: instance?.metrics.descriptors.length ?? 0,
      opcodes: instance?.metrics.opcodes ?? [],
    });
  }

  private sendMetrics(instance: AppInstance): void {
    for (const metric of instance.metrics.descriptors) this.send({ type: 'metric', ...metric });
  }

  /** docs/link-protocol.md §4.8, due every HEARTBEAT_PERIOD_MS of uptime. */
  private sendHeartbeat(): void {
    const periodUs = HEARTBEAT_PERIOD_MS * US_PER_MS;
    // Periods that passed while the runner was busy are not sent separately (§7.2).
    while (this.nextHeartbeatUs + periodUs <= this.board.nowUsValue) this.nextHeartbeatUs += periodUs;
    const bootAtUs = this.board.nowUsValue - this.uptimeUs;
    const dueMs = (this.nextHeartbeatUs - bootAtUs) / US_PER_MS;
    this.nextHeartbeatUs += periodUs;
    const pin = this.board.gpio.read(LED_PIN);
    this.send({
      type: 'heartbeat',
      uptimeMs: dueMs,
      session: this.session,
      heartbeatPeriodMs: HEARTBEAT_PERIOD_MS,
      bootCount: this.bootCount,
      appState: this.instance === null ? AppState.BackingOff : AppState.Running,
      restartAtMs: this.instance === null ? this.restartAtMs() : 0,
      consecutiveFailures: this.consecutiveFailures,
      lastFailureKind: this.lastFailure.kind,
      lastFailureCode: this.lastFailure.code,
      rxFrames: this.receiver.stats.framesOk >>> 0,
      rxDrops: {
        oversize: this.receiver.stats.oversize >>> 0,
        cobs: this.receiver.stats.cobs >>> 0,
        short: this.receiver.stats.short >>> 0,
        crc: this.receiver.stats.crc >>> 0,
        version: this.receiver.stats.version >>> 0,
        unknownType: this.receiver.stats.unknownType >>> 0,
        malformed: this.receiver.stats.malformed >>> 0,
      },
      commandsDropped: this.commandsDropped,
      ledMode: this.ledMode,
      ledPeriodMs: this.ledPeriodMs,
      ledLevel: this.board.gpio.isOutput(LED_PIN) ? pin.level : NOT_SET,
      brightnessU16: this.board.pwm.duty(LED_PWM_CHANNEL),
      reportIntervalMs: this.reportIntervalMs,
    });
  }

  /** docs/link-protocol.md §4.3: 24 values to a message, in report order, the same time stamp. */
  private sendData(timeMs: number, values: MetricValue[]): void {
    for (let start = 0; start < values.length; start += VALUES_PER_DATA) {
      this.send({ type: 'data', timeMs, values: values.slice(start, start + VALUES_PER_DATA) });
    }
  }

  private sendLog(level: number, text: string, timeMs = this.uptimeMs()): void {
    this.send({ type: 'log', timeMs, level: level as LogLevel, text });
  }

  private sendEvent(kind: EventKind, code: number, message: string, file = '', line = 0, column = 0): void {
    this.send({ type: 'event', timeMs: this.uptimeMs(), kind, code, message, file, line, column });
  }

  private storeAndSend(commandId: number, key: string, result: Omit<StoredResult, 'commandId' | 'payload'> & { payload?: Uint8Array }): void {
    const stored: StoredResult = { commandId, origin: result.origin, status: result.status, payload: result.payload ?? new Uint8Array(0) };
    this.storedResults.set(key, stored);
    if (this.storedResults.size > RESULT_STORE_LENGTH) this.storedResults.delete(this.storedResults.keys().next().value!);
    this.send({ type: 'command-result', ...stored, cached: false });
  }

  private sendResult(commandId: number, result: { origin: ResultOrigin; status: number; payload?: Uint8Array }): void {
    this.send({ type: 'command-result', commandId, origin: result.origin, status: result.status, cached: false, payload: result.payload ?? new Uint8Array(0) });
  }

  /** The restart time on the device's clock. */
  private restartAtMs(): number {
    return Math.floor((this.restartAtUs - this.board.nowUsValue + this.uptimeUs) / US_PER_MS);
  }

  private uptimeMs(): number {
    return Math.floor(this.uptimeUs / US_PER_MS);
  }

  private send(message: LinkMessage): void {
    if (this.encoder === null) throw new Error('the device has not booted');
    this.options.transmit(this.encoder.encode(message));
  }
}

function asTrap(error: unknown): AppTrap {
  if (error instanceof AppTrap) return error;
  throw error;
}
