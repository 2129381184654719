import { AppInstance } from '../abi/app-instance.ts';
import { HAL_ABI_VERSION } from '../abi/abi-version.ts';
import { HalStatus } from '../abi/status.ts';
import { AppTrap } from '../abi/trap.ts';
import { LinkDecoder } from '../link/decoder.ts';
import { LinkEncoder } from '../link/encoder.ts';
import { BootReason, EventKind, type LinkMessage, type LogLevel } from '../link/messages.ts';
import type { AppImage } from './app-image.ts';
import type { Scenario } from './scenario.ts';
import { createSimBoard, type SimBoard } from './sim-board.ts';

const US_PER_MS = 1000;
/** docs/hal-abi.md §7: the n-th consecutive trap waits min(2^(n-1), 60) s before the restart. */
const TRAP_BACKOFF_MAX_MS = 60_000;
/** A tick asking for 0 ms is treated as 1 ms, so a device always lets time move (docs/hal-abi.md §2). */
const MIN_TICK_DELAY_MS = 1;

export const SIM_FIRMWARE_VERSION = 'wasmote-sim/1';

export interface SimDeviceOptions {
  deviceId: string;
  /** Index in the fleet: scenario faults may name devices by it. */
  index: number;
  seed: number;
  app: AppImage;
  scenario: Scenario;
  /** The device's UART transmit line: complete link frames, in order. */
  transmit(frame: Uint8Array): void;
}

/**
 * One simulated device: a board with virtual chips, an app instance, and a device link on a virtual UART.
 * It is driven by a scheduler that calls `wake()` at `nextWakeUs` on the device's virtual clock.
 */
export class SimDevice {
  readonly deviceId: string;
  readonly board: SimBoard;
  /** When the device next needs the CPU, µs of device time. */
  nextWakeUs = 0;
  private instance: AppInstance | null = null;
  private consecutiveTraps = 0;
  private bootReason: BootReason = BootReason.PowerOn;
  private readonly encoder = new LinkEncoder();
  private readonly receiver = new LinkDecoder();

  constructor(private readonly options: SimDeviceOptions) {
    this.deviceId = options.deviceId;
    this.board = createSimBoard(options.scenario, options.seed, options.index, (level, text) => this.sendLog(level, text));
  }

  get nowUs(): number {
    return this.board.nowUsValue;
  }

  /** True while the app is stopped after a trap, waiting for its restart. */
  get restarting(): boolean {
    return this.instance === null;
  }

  /** Runs whatever is due at `nextWakeUs`: the (re)start of the app, or its next tick. */
  wake(): void {
    this.board.nowUsValue = Math.max(this.board.nowUsValue, this.nextWakeUs);
    if (this.instance === null) {
      this.start();
      return;
    }
    this.tick(this.instance);
  }

  /** Bytes arriving on the device's UART receive line (commands from the edge). */
  receive(bytes: Uint8Array, atUs: number): void {
    for (const { message } of this.receiver.push(bytes)) {
      if (message.type === 'command') this.command(message.commandId, message.payload, atUs);
    }
  }

  private start(): void {
    try {
      const instance = new AppInstance(this.options.app.module, { port: this.board, seed: this.options.seed });
      instance.init();
      this.instance = instance;
      this.send({
        type: 'hello',
        deviceId: this.deviceId,
        firmwareVersion: SIM_FIRMWARE_VERSION,
        appVersion: this.options.app.version,
        appHash: this.options.app.hash,
        abiVersion: HAL_ABI_VERSION,
        bootReason: this.bootReason,
        metrics: instance.metrics.descriptors,
      });
      this.nextWakeUs = this.nowUs;
    } catch (error) {
      this.trapped(error);
    }
  }

  private tick(instance: AppInstance): void {
    const startUs = this.nowUs;
    const startMs = Math.floor(startUs / US_PER_MS);
    try {
      const delayMs = Math.max(instance.tick(startMs), MIN_TICK_DELAY_MS);
      this.consecutiveTraps = 0;
      this.sendData(startMs, instance);
      this.nextWakeUs = Math.max(this.nowUs, (startMs + delayMs) * US_PER_MS);
    } catch (error) {
      this.sendData(startMs, instance);
      this.trapped(error);
    }
  }

  private command(commandId: number, payload: Uint8Array, atUs: number): void {
    this.board.nowUsValue = Math.max(this.board.nowUsValue, atUs);
    const instance = this.instance;
    if (instance === null) {
      this.send({ type: 'command-result', commandId, status: HalStatus.Unsupported });
      return;
    }
    try {
      const status = instance.command(payload);
      this.send({ type: 'command-result', commandId, status });
      this.nextWakeUs = this.nowUs;
    } catch (error) {
      this.send({ type: 'command-result', commandId, status: HalStatus.BadArgument });
      this.trapped(error);
    }
  }

  /** docs/hal-abi.md §7: report the trap, drop the instance, restart after a back-off. */
  private trapped(error: unknown): void {
    if (!(error instanceof AppTrap)) throw error;
    this.instance = null;
    this.consecutiveTraps += 1;
    this.send({
      type: 'event',
      timeMs: Math.floor(this.nowUs / US_PER_MS),
      kind: EventKind.Trap,
      code: error.code,
      message: error.message,
      file: error.file,
      line: error.line,
      column: error.column,
    });
    const backoffMs = Math.min(2 ** (this.consecutiveTraps - 1) * 1000, TRAP_BACKOFF_MAX_MS);
    this.bootReason = BootReason.AppRestart;
    this.nextWakeUs = this.nowUs + backoffMs * US_PER_MS;
  }

  private sendData(timeMs: number, instance: AppInstance): void {
    const values = instance.metrics.takeReported();
    if (values.length > 0) this.send({ type: 'data', timeMs, values });
  }

  private sendLog(level: number, text: string): void {
    this.send({ type: 'log', timeMs: Math.floor(this.nowUs / US_PER_MS), level: level as LogLevel, text });
  }

  private send(message: LinkMessage): void {
    this.options.transmit(this.encoder.encode(message));
  }
}
