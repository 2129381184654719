/**
 * One firmware device on QEMU, seen from the host as a simulated device is (host/sim/simulation.ts): its link
 * decoded into DeviceMessages, its tunnelled peripheral calls answered by a PeripheralHost, and commands sent
 * the way the simulator sends them.
 */
import { once } from 'node:events';
import { LinkDecoder } from '../link/decoder.ts';
import { LinkEncoder } from '../link/encoder.ts';
import type { LinkMessage } from '../link/messages.ts';
import type { Scenario } from '../sim/scenario.ts';
import type { DeviceMessage } from '../sim/simulation.ts';
import { PeripheralHost, type PeripheralHostOptions } from './peripheral-host.ts';
import { startQemu, type QemuOptions, type QemuProcess } from './qemu.ts';

const US_PER_MS = 1000;
/** The command ids a session uses, as the simulator's: 1, 2, ... wrapping within u16 and skipping 0. */
const COMMAND_ID_MASK = 0xffff;

export interface FirmwareSessionOptions extends QemuOptions {
  /** The device's id until its HELLO says otherwise (the id the image was built with). */
  deviceId: string;
  scenario: Scenario;
  /** The simulation seed this device mirrors as device 0 (the image was built with the same seed). */
  seed: number;
  /**
   * Every message but the tunnelled peripheral calls, in the order the device sent them, up to the end runFor()
   * sets: a message without a time (HELLO, COMMAND_RESULT) waits for the next one with a time to know its side.
   */
  onMessage?(message: DeviceMessage): void;
  /** How the host answers the tunnelled calls; by default it answers each at once. */
  peripherals?: PeripheralHostOptions;
}

/** A device that has been quiet this long (wall time) is taken to have nothing more to say before the end. */
const SILENCE_LIMIT_MS = 30_000;

/** The device time a message carries, in ms, if it carries one. */
function messageTimeMs(message: LinkMessage): number | undefined {
  if (message.type === 'proxy-request') return Math.floor(message.timeUs / US_PER_MS);
  return 'timeMs' in message ? message.timeMs : undefined;
}

export class FirmwareSession {
  readonly peripherals: PeripheralHost;
  readonly decoder = new LinkDecoder();
  /** The latest device time seen in a message, ms. */
  deviceTimeMs = 0;
  private readonly encoder = new LinkEncoder();
  private qemu: QemuProcess | undefined;
  private deviceId: string;
  private nextCommandId = 1;
  private stderr = '';
  private exited: Promise<unknown> | undefined;
  private readonly waiters = new Set<() => void>();
  /** Device time after which messages are no longer delivered (runFor). */
  private endMs = Number.POSITIVE_INFINITY;
  private held: DeviceMessage[] = [];

  constructor(private readonly options: FirmwareSessionOptions) {
    this.deviceId = options.deviceId;
    this.peripherals = new PeripheralHost(options.scenario, options.seed, 0, options.peripherals);
  }

  async start(): Promise<void> {
    const qemu = await startQemu(this.options);
    this.qemu = qemu;
    this.exited = once(qemu, 'exit');
    // QEMU does not end when its stdin does: make sure it ends with this process.
    const killOnExit = () => qemu.kill('SIGKILL');
    process.once('exit', killOnExit);
    qemu.once('exit', () => {
      process.removeListener('exit', killOnExit);
      this.notify();
    });
    qemu.stderr.setEncoding('utf8').on('data', (text: string) => (this.stderr += text));
    qemu.stdin.on('error', (error: Error) => (this.stderr += `(link: ${error.message})`));
    qemu.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  /** Sends a command (docs/hal-abi.md §6) over the link; returns the command id its result will carry. */
  sendCommand(payload: Uint8Array): number {
    const commandId = this.nextCommandId;
    this.nextCommandId = (this.nextCommandId + 1) & COMMAND_ID_MASK || 1;
    this.write({ type: 'command', commandId, payload });
    return commandId;
  }

  /**
   * Resolves once `done()` holds after a message arrives (or at once if it holds now). Rejects when QEMU exits
   * first, or when no frame arrives for `silenceMs` of wall time (resolves instead if `silenceEnds`).
   */
  async until(done: () => boolean, silenceMs: number, silenceEnds = false): Promise<void> {
    if (done()) return;
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const restartTimer = () => {
        clearTimeout(timer);
        timer = setTimeout(
          () => finish(silenceEnds ? undefined : new Error(`silent for ${silenceMs} ms: ${this.describe()}`)),
          silenceMs,
        );
      };
      const check = () => {
        restartTimer();
        if (done()) finish();
        else if (this.qemu?.exitCode !== null) finish(new Error(`QEMU exited: ${this.describe()}`));
      };
      restartTimer();
      this.waiters.add(check);
    });
  }

  /**
   * Runs until the device's clock passes `durationMs` (its first message stamped later), as
   * Simulation.runFor() does, then stops QEMU. A device silent for 30 s of wall time ends the run early.
   */
  async runFor(durationMs: number): Promise<void> {
    this.endMs = durationMs;
    try {
      await this.until(() => this.deviceTimeMs > durationMs, SILENCE_LIMIT_MS, true);
    } finally {
      await this.stop();
    }
  }

  /** Stops QEMU and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.qemu === undefined || this.qemu.exitCode !== null || this.qemu.signalCode !== null) return;
    this.qemu.kill('SIGTERM');
    await this.exited;
  }

  private describe(): string {
    return `device time ${this.deviceTimeMs} ms${this.stderr ? `, QEMU said: ${this.stderr.trim()}` : ''}`;
  }

  private receive(chunk: Buffer): void {
    for (const { seq, message } of this.decoder.push(chunk)) {
      this.deviceTimeMs = Math.max(this.deviceTimeMs, messageTimeMs(message) ?? 0);
      if (message.type === 'proxy-request') {
        for (const response of this.peripherals.respond(message)) this.write(response);
        continue;
      }
      if (message.type === 'hello') this.deviceId = message.deviceId;
      this.deliver({ deviceId: this.deviceId, index: 0, seq, message });
    }
    this.notify();
  }

  private deliver(message: DeviceMessage): void {
    const timeMs = messageTimeMs(message.message);
    if (timeMs === undefined) {
      this.held.push(message);
      return;
    }
    const held = this.held;
    this.held = [];
    if (timeMs > this.endMs) return;
    for (const earlier of held) this.options.onMessage?.(earlier);
    this.options.onMessage?.(message);
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }

  private write(message: LinkMessage): void {
    this.qemu?.stdin.write(this.encoder.encode(message));
  }
}
