/**
 * One firmware device on QEMU, seen from the host as a simulated device is (host/sim/simulation.ts): its link
 * decoded into DeviceMessages, its tunnelled peripheral calls answered by a PeripheralHost, its sleeps paced by the
 * clock gate (firmware/hal/proxy/gate.h), and commands delivered at the device time the caller chooses, the way the
 * simulator delivers them.
 *
 * The session keeps the host's time as the simulator keeps fleet time: µs since the device first booted, running on
 * across reboots while the device's own clock starts again at 0 at each. In a run in real time (a device linked to
 * a running edge, issue 11) the host's time is the wall clock's since the first boot: each sleep is answered when
 * the wall clock reaches its deadline, and frames from the edge wake the device at once.
 *
 * Frames from outside go on the device's link only in a wake's answer that counts them, as commands do: the gate and
 * the link are two lines with no order between them, so a frame written while the device is awake might reach its
 * receiver before or after it next asks to sleep, and a wake that did not wait for it could leave it unread until
 * the sleep after.
 */
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LinkDecoder } from '../link/decoder.ts';
import { LinkEncoder } from '../link/encoder.ts';
import type { LinkMessage } from '../link/messages.ts';
import type { Scenario } from '../sim/scenario.ts';
import type { DeviceMessage } from '../sim/simulation.ts';
import { bootAnswer, ClockGateReader, wakeAnswer } from './clock-gate.ts';
import { PeripheralHost, type PeripheralHostOptions } from './peripheral-host.ts';
import { startQemu, type QemuOptions, type QemuProcess } from './qemu.ts';

const US_PER_MS = 1000;
/** The command ids a session uses, as the simulator's: 1, 2, ... wrapping within u16 and skipping 0. */
const COMMAND_ID_MASK = 0xffff;
/** The gate announces at most this many frames in one answer (a u8). */
const FRAMES_PER_WAKE_MAX = 255;

export interface FirmwareSessionOptions extends QemuOptions {
  /** The device's id until its HELLO says otherwise (the id the image was built with). */
  deviceId: string;
  scenario: Scenario;
  /** The simulation seed this device mirrors as device 0 (the image was built with the same seed). */
  seed: number;
  /** Every message but the tunnelled peripheral calls, in the order the device sent them. */
  onMessage?(message: DeviceMessage): void;
  /** How the host answers the tunnelled calls; by default it answers each at once. */
  peripherals?: PeripheralHostOptions;
  /** Keep the host's time with the wall clock (default false: as fast as the device runs). */
  realTime?: boolean;
  /** Every byte the device sends on its link, as it arrives and before it is decoded (to forward to an edge). */
  onLinkBytes?(chunk: Uint8Array): void;
}

/** A device that has been quiet this long (wall time) is taken to have nothing more to say before the end. */
const SILENCE_LIMIT_MS = 30_000;
/** Once the device is held at the end of a run, what it sent before is in when its link has been quiet this long. */
const DRAIN_QUIET_MS = 200;
/** A one-byte segment is a lone delimiter, which a receiver ignores without counting it (link-protocol §2). */
const EMPTY_SEGMENT_BYTES = 1;

interface ScheduledCommand {
  /** Host time, µs: the command arrives then, or when the device next waits if it is busy then. */
  atUs: number;
  commandId: number;
  payload: Uint8Array;
}

/** The device time a message carries, in ms, if it carries one. */
function messageTimeMs(message: LinkMessage): number | undefined {
  return 'timeMs' in message ? message.timeMs : 'uptimeMs' in message ? message.uptimeMs : undefined;
}

let gateSockets = 0;

export class FirmwareSession {
  readonly peripherals: PeripheralHost;
  readonly decoder = new LinkDecoder();
  /** The latest host time seen, ms: from the gate, and from the messages that carry a time. */
  deviceTimeMs = 0;
  private readonly encoder = new LinkEncoder();
  private qemu: QemuProcess | undefined;
  private deviceId: string;
  private nextCommandId = 1;
  private stderr = '';
  private exited: Promise<unknown> | undefined;
  private readonly waiters = new Set<() => void>();
  private lastOutputAt = 0;

  private gateServer: Server | undefined;
  private gate: Socket | undefined;
  private readonly gateSocket = path.join(tmpdir(), `wasmote-gate-${process.pid}-${gateSockets++}.sock`);
  /** Boots the gate has announced, and the host time at which each began. */
  private readonly bootsAtUs: number[] = [];
  /**
   * The device's clock as last known in the current boot, µs: from the gate's answers and the PROXY_REQUESTs. A
   * reboot's new boot begins there (a REBOOT command is handled as the device wakes, before time passes).
   */
  private lastDeviceUs = 0;
  /** A sleep the device asked for and the host has not answered yet. */
  private asleep: { nowUs: number; deadlineUs: number } | undefined;
  private readonly scheduled: ScheduledCommand[] = [];
  /** Host time, µs, past which the device is held (runFor). */
  private endUs = Number.POSITIVE_INFINITY;
  /** True once the device asked to sleep past endUs: it is held, and runFor's run is complete. */
  private held = false;
  /** Each boot's session tag as the link has shown them, in order: which begin time a message's time counts from. */
  private readonly linkBoots = new Map<number, number>();
  /** PROXY_RESPONSEs written to each session tag's boot. */
  private readonly proxyResponses = new Map<number, number>();
  /** Whole segments from outside (writeLinkSegments) not yet written: the next wake writes and announces them. */
  private readonly outsideSegments: Uint8Array[] = [];
  /** Real time: the wall clock (performance.now()) at the first boot, host time 0. */
  private wallAtFirstBootMs: number | undefined;
  /** Real time: the wait for the wall clock to reach the sleep's end, or the end of the run. */
  private realTimeWait: NodeJS.Timeout | undefined;

  constructor(private readonly options: FirmwareSessionOptions) {
    this.deviceId = options.deviceId;
    this.peripherals = new PeripheralHost(options.scenario, options.seed, 0, options.peripherals);
  }

  async start(): Promise<void> {
    await rm(this.gateSocket, { force: true });
    const server = createServer((socket) => this.openGate(socket));
    this.gateServer = server;
    server.listen(this.gateSocket);
    await once(server, 'listening');
    const qemu = await startQemu({ ...this.options, gateSocket: this.gateSocket });
    this.qemu = qemu;
    this.exited = once(qemu, 'exit');
    // QEMU does not end when its stdin does: make sure it ends with this process.
    const killOnExit = () => qemu.kill('SIGKILL');
    process.once('exit', killOnExit);
    qemu.once('exit', () => {
      process.removeListener('exit', killOnExit);
      this.closeGate();
      this.notify();
    });
    qemu.stderr.setEncoding('utf8').on('data', (text: string) => (this.stderr += text));
    qemu.stdin.on('error', (error: Error) => (this.stderr += `(link: ${error.message})`));
    qemu.stdout.on('data', (chunk: Buffer) => {
      this.options.onLinkBytes?.(chunk);
      this.receive(chunk);
    });
  }

  /**
   * Puts whole segments (docs/link-protocol.md §2) from outside — an edge's frames, issue 11 — on the device's link,
   * whole, so they never split a PROXY_RESPONSE. They go in the device's next wake, which waits for them: in real time
   * a sleeping device is woken for them at once, at the wall clock's time, and an awake one when it next sleeps.
   */
  writeLinkSegments(segments: readonly Uint8Array[]): void {
    this.outsideSegments.push(...segments);
    this.serveSleep();
  }

  /** The host's time now, µs: where the device's clock stands, counted from its first boot. */
  get nowUs(): number {
    return (this.bootsAtUs.at(-1) ?? 0) + this.lastDeviceUs;
  }

  /**
   * Sends a command (docs/hal-abi.md §6) over the link; returns the command id its result will carry. It arrives
   * when the device next waits, at the device time it has then.
   */
  sendCommand(payload: Uint8Array): number {
    const commandId = this.nextCommandId;
    this.nextCommandId = (this.nextCommandId + 1) & COMMAND_ID_MASK || 1;
    return this.sendCommandWithId(commandId, payload);
  }

  /** Sends a command with an id of the caller's choosing, as Simulation.sendCommandWithId() does. */
  sendCommandWithId(commandId: number, payload: Uint8Array): number {
    return this.scheduleCommand(Number.NEGATIVE_INFINITY, commandId, payload);
  }

  /**
   * Delivers a command at `atMs` of host time, as a simulation that runs to `atMs` and then sends it does: after
   * everything the device does until then, and at once if the device is busy then. Returns the command id.
   */
  scheduleCommand(atMs: number, commandId: number, payload: Uint8Array): number {
    const command = { atUs: atMs * US_PER_MS, commandId, payload };
    const after = this.scheduled.findIndex((waiting) => waiting.atUs > command.atUs);
    this.scheduled.splice(after < 0 ? this.scheduled.length : after, 0, command);
    this.serveSleep();
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
   * Runs until `durationMs` of host time, as Simulation.runFor() does from 0: the device does everything due until
   * then, and is held at the first sleep that would take it past; then QEMU stops. A device silent for 30 s of wall
   * time ends the run early.
   */
  async runFor(durationMs: number): Promise<void> {
    this.endUs = durationMs * US_PER_MS;
    this.serveSleep();
    try {
      await this.until(() => this.held, SILENCE_LIMIT_MS, true);
      if (this.held) await this.drained();
    } finally {
      await this.stop();
    }
  }

  /** Stops QEMU and waits for it to exit. */
  async stop(): Promise<void> {
    clearTimeout(this.realTimeWait);
    if (this.qemu !== undefined && this.qemu.exitCode === null && this.qemu.signalCode === null) {
      this.qemu.kill('SIGTERM');
      await this.exited;
    }
    this.closeGate();
  }

  /**
   * PROXY_RESPONSEs the host has written to the boot whose session tag is `sessionTag` (the low 16 bits of its
   * session): frames its receiver accepted that a simulated device never gets.
   */
  proxyResponsesTo(sessionTag: number): number {
    return this.proxyResponses.get(sessionTag) ?? 0;
  }

  private describe(): string {
    return `device time ${this.deviceTimeMs} ms${this.stderr ? `, QEMU said: ${this.stderr.trim()}` : ''}`;
  }

  /** Resolves once the link has been quiet for DRAIN_QUIET_MS: what the held device sent has all arrived. */
  private async drained(): Promise<void> {
    for (;;) {
      const quietMs = Date.now() - this.lastOutputAt;
      if (quietMs >= DRAIN_QUIET_MS || this.qemu?.exitCode !== null) return;
      await new Promise((resolve) => setTimeout(resolve, DRAIN_QUIET_MS - quietMs));
    }
  }

  private openGate(socket: Socket): void {
    if (this.gate !== undefined) {
      socket.destroy();
      return;
    }
    this.gate = socket;
    const reader = new ClockGateReader({
      boot: () => this.booted(),
      sleep: (nowUs, deadlineUs) => {
        this.lastDeviceUs = Math.max(this.lastDeviceUs, nowUs);
        this.asleep = { nowUs, deadlineUs };
        this.serveSleep();
      },
      garbled: (byte) => (this.stderr += `(clock gate: unexpected byte 0x${byte.toString(16)})`),
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('error', () => {});
  }

  private closeGate(): void {
    this.gate?.destroy();
    this.gate = undefined;
    if (this.gateServer !== undefined) {
      this.gateServer.close();
      this.gateServer = undefined;
      void rm(this.gateSocket, { force: true });
    }
  }

  /** The device booted: after a reset its clock counts from 0 again, from the host time where the last boot ended. */
  private booted(): void {
    if (this.bootsAtUs.length > 0) {
      const bootAtUs = this.nowUs;
      this.bootsAtUs.push(bootAtUs);
      this.peripherals.reboot(bootAtUs);
    } else {
      this.bootsAtUs.push(0);
      this.wallAtFirstBootMs = performance.now();
    }
    this.lastDeviceUs = 0;
    this.asleep = undefined;
    this.gate?.write(bootAnswer());
  }

  /**
   * Answers the sleep the device waits on: wake it for the first scheduled command that comes before its deadline
   * (with every command due by then), hold it if the deadline is past the end of the run, else let it sleep on.
   */
  private serveSleep(): void {
    clearTimeout(this.realTimeWait);
    this.realTimeWait = undefined;
    const asleep = this.asleep;
    if (asleep === undefined || this.gate === undefined) return;
    const bootAtUs = this.bootsAtUs.at(-1) ?? 0;
    const deadlineUs = bootAtUs + asleep.deadlineUs;
    const first = this.scheduled[0];
    let wakeUs: number;
    let frames = 0;
    if (this.options.realTime) {
      const realTimeWakeUs = this.realTimeWake(bootAtUs + asleep.nowUs, deadlineUs);
      if (realTimeWakeUs === undefined) return;
      wakeUs = realTimeWakeUs;
      while (frames < FRAMES_PER_WAKE_MAX && this.scheduled[0] !== undefined && this.scheduled[0].atUs <= wakeUs) {
        const { commandId, payload } = this.scheduled.shift()!;
        this.write({ type: 'command', commandId, payload });
        frames++;
      }
    } else if (first !== undefined && first.atUs < deadlineUs) {
      wakeUs = Math.max(bootAtUs + asleep.nowUs, first.atUs);
      while (frames < FRAMES_PER_WAKE_MAX && this.scheduled[0] !== undefined && this.scheduled[0].atUs <= wakeUs) {
        const { commandId, payload } = this.scheduled.shift()!;
        this.write({ type: 'command', commandId, payload });
        frames++;
      }
    } else if (deadlineUs > this.endUs) {
      this.held = true;
      this.notify();
      return;
    } else {
      wakeUs = deadlineUs;
    }
    frames += this.writeOutsideSegments(FRAMES_PER_WAKE_MAX - frames);
    this.asleep = undefined;
    this.lastDeviceUs = wakeUs - bootAtUs;
    this.deviceTimeMs = Math.max(this.deviceTimeMs, Math.floor(wakeUs / US_PER_MS));
    this.gate.write(wakeAnswer(wakeUs - bootAtUs, frames));
    this.notify();
  }

  private receive(chunk: Buffer): void {
    this.lastOutputAt = Date.now();
    for (const { seq, sessionTag, message } of this.decoder.push(chunk)) {
      // docs/link-protocol.md §5.1: a new tag is a new boot, whose begin time the gate gave before its first frame.
      if (!this.linkBoots.has(sessionTag)) this.linkBoots.set(sessionTag, this.linkBoots.size);
      if (message.type === 'proxy-request') {
        this.lastDeviceUs = Math.max(this.lastDeviceUs, message.timeUs);
        for (const response of this.peripherals.respond(message)) {
          this.write(response);
          this.proxyResponses.set(sessionTag, this.proxyResponsesTo(sessionTag) + 1);
        }
        continue;
      }
      if (message.type === 'hello') this.deviceId = message.deviceId;
      const timeMs = messageTimeMs(message);
      if (timeMs !== undefined) {
        const bootAtMs = (this.bootsAtUs[this.linkBoots.get(sessionTag)!] ?? 0) / US_PER_MS;
        this.deviceTimeMs = Math.max(this.deviceTimeMs, Math.floor(bootAtMs + timeMs));
      }
      this.options.onMessage?.({ deviceId: this.deviceId, index: 0, seq, message });
    }
    this.notify();
  }

  /**
   * Real time: when to wake a device asleep from `nowUs` to `deadlineUs` (host time): now, for frames from outside
   * or a command that is due; at the deadline once the wall clock has reached it. Otherwise undefined, with a wait
   * set for the wall clock to reach the deadline, the next command or the end of the run, where it is held.
   */
  private realTimeWake(nowUs: number, deadlineUs: number): number | undefined {
    const wallUs = this.wallClockUs;
    const next = this.scheduled[0]?.atUs ?? Number.POSITIVE_INFINITY;
    if (this.outsideSegments.length > 0 || next <= wallUs) return Math.min(deadlineUs, Math.max(nowUs, wallUs));
    if (deadlineUs > this.endUs && wallUs >= this.endUs) {
      this.held = true;
      this.notify();
      return undefined;
    }
    if (wallUs >= deadlineUs) return deadlineUs;
    const untilUs = Math.min(deadlineUs, next, this.endUs);
    this.realTimeWait = setTimeout(() => this.serveSleep(), (untilUs - wallUs) / US_PER_MS);
    return undefined;
  }

  /** Real time: the host's time the wall clock has reached, µs since the first boot (0 before it). */
  get wallClockUs(): number {
    return this.wallAtFirstBootMs === undefined ? 0 : Math.floor((performance.now() - this.wallAtFirstBootMs) * US_PER_MS);
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }

  /**
   * Writes the waiting segments from outside, up to `framesMax` frames (a lone delimiter is not one: link-protocol
   * §2); returns how many frames it wrote. Those past `framesMax` wait for the next wake.
   */
  private writeOutsideSegments(framesMax: number): number {
    let frames = 0;
    while (this.outsideSegments.length > 0) {
      const isFrame = this.outsideSegments[0]!.length > EMPTY_SEGMENT_BYTES;
      if (isFrame && frames === framesMax) break;
      this.qemu?.stdin.write(this.outsideSegments.shift()!);
      if (isFrame) frames++;
    }
    return frames;
  }

  private write(message: LinkMessage): void {
    this.qemu?.stdin.write(this.encoder.encode(message));
  }
}
