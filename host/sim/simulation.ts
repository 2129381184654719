import { randomBytes } from 'node:crypto';
import { LinkDecoder } from '../link/decoder.ts';
import { LinkEncoder } from '../link/encoder.ts';
import type { LinkMessage } from '../link/messages.ts';
import type { AppImage } from './app-image.ts';
import { realWallClock, type WallClock } from './clock.ts';
import { hash32, streamId } from './deterministic-noise.ts';
import type { Scenario } from './scenario.ts';
import { SimDevice } from './sim-device.ts';
import { WakeQueue } from './wake-queue.ts';

const US_PER_MS = 1000;
/** Separates the edge side's session from the devices' (docs/link-protocol.md §5.1). */
const EDGE_SESSION_STREAM = 0xed6e;
/** At full speed, hand the event loop back this often so output and incoming commands keep flowing. */
const EVENTS_PER_YIELD = 2000;

export interface DeviceMessage {
  deviceId: string;
  index: number;
  seq: number;
  message: LinkMessage;
}

export interface SimulationOptions {
  app: AppImage;
  scenario: Scenario;
  deviceCount: number;
  /** Fleet index of the first device (a fleet split across worker threads gives each part its own range). */
  firstIndex?: number;
  seed: number;
  /** Device ids are `<idPrefix>-<index, 4 digits>` (docs/link-protocol.md §3.3); by default `sim-<4 random hex digits>`. */
  idPrefix?: string;
  /**
   * Mixed into the devices' sessions (docs/link-protocol.md §5.1). By default a hash of the id prefix, so a run
   * repeats byte for byte when its prefix and seed do, and runs with different prefixes draw different sessions.
   */
  runNonce?: number;
  /** Every message the edge side decodes from a device's link, in virtual-time order. */
  onMessage?(message: DeviceMessage): void;
  /** Every frame a device transmits, raw (what a UART would carry). */
  onFrame?(index: number, frame: Uint8Array): void;
}

export type Pacing = 'max' | 'realtime';

/** A run paced to real time: where it started on both clocks, and how to wake it from its wait. */
interface PacedRun {
  startVirtualUs: number;
  startWallMs: number;
  endUs: number;
  wallClock: WallClock;
  wake(): void;
}

export function deviceIdFor(prefix: string, index: number): string {
  return `${prefix}-${index.toString().padStart(4, '0')}`;
}

/** A prefix that differs between runs, so two simulators on one edge do not announce the same devices. */
export function randomIdPrefix(base: string): string {
  return `${base}-${randomBytes(2).toString('hex')}`;
}

/**
 * A fleet of simulated devices on one virtual time line. Each device has its own app instance, seed and
 * virtual UART; the edge side of each UART decodes the device link like a gateway would.
 */
export class Simulation {
  readonly devices: SimDevice[] = [];
  private readonly edgeDecoders: LinkDecoder[] = [];
  private readonly edgeEncoders: LinkEncoder[] = [];
  private readonly queue = new WakeQueue();
  private nowUsValue = 0;
  private nextCommandId = 1;
  /** Set while a run paced to real time is in progress. */
  private pacedRun: PacedRun | undefined;

  constructor(private readonly options: SimulationOptions) {
    const firstIndex = options.firstIndex ?? 0;
    const idPrefix = options.idPrefix ?? randomIdPrefix('sim');
    const runNonce = options.runNonce ?? streamId(idPrefix);
    // docs/link-protocol.md §4.5: the edge side's own session, in the tag of every command it sends.
    const edgeSession = hash32(runNonce, EDGE_SESSION_STREAM) || 1;
    for (let local = 0; local < options.deviceCount; local++) {
      const index = firstIndex + local;
      const deviceId = deviceIdFor(idPrefix, index);
      const decoder = new LinkDecoder();
      this.edgeDecoders.push(decoder);
      this.edgeEncoders.push(new LinkEncoder({ session: edgeSession }));
      const device = new SimDevice({
        deviceId,
        index,
        seed: hash32(options.seed, index),
        runNonce,
        app: options.app,
        scenario: options.scenario,
        transmit: (frame) => this.deliver(index, deviceId, decoder, frame),
      });
      this.devices.push(device);
      this.queue.push(0, local);
    }
  }

  /** Virtual time of the fleet, µs. */
  get nowUs(): number {
    return this.nowUsValue;
  }

  /** Edge-side link statistics of one device's UART (frames decoded, drops by reason); `index` is local. */
  linkStats(index: number): LinkDecoder['stats'] {
    return this.edgeDecoders[index]!.stats;
  }

  /**
   * Sends a command (docs/hal-abi.md §6) to the device at local `index` over its link; returns the command id
   * its result will carry.
   */
  sendCommand(index: number, payload: Uint8Array): number {
    const commandId = this.nextCommandId;
    this.nextCommandId = (this.nextCommandId + 1) & 0xffff || 1;
    return this.sendCommandWithId(index, commandId, payload);
  }

  /** Sends a command with an id of the caller's choosing: a repeat of an earlier one, say (docs/link-protocol.md §7.4). */
  sendCommandWithId(index: number, commandId: number, payload: Uint8Array): number {
    if (this.devices[index] === undefined) throw new RangeError(`no device ${index}`);
    this.receiveOnDevice(index, this.edgeEncoders[index]!.encode({ type: 'command', commandId, payload }), this.nowUsValue);
    return commandId;
  }

  /**
   * Bytes from an edge outside the simulation (`wasmote sim --edge`) on the receive line of the device at local
   * `index`. During a run paced to real time they arrive at the virtual time the wall clock has reached, and the
   * device handles them at once rather than at its next wake.
   */
  receiveFromEdge(index: number, bytes: Uint8Array): void {
    if (this.devices[index] === undefined) throw new RangeError(`no device ${index}`);
    const paced = this.pacedRun;
    const atUs =
      paced === undefined
        ? this.nowUsValue
        : Math.min(paced.endUs, Math.max(this.nowUsValue, paced.startVirtualUs + (paced.wallClock.nowMs() - paced.startWallMs) * US_PER_MS));
    this.receiveOnDevice(index, bytes, atUs);
    paced?.wake();
  }

  private receiveOnDevice(index: number, bytes: Uint8Array, atUs: number): void {
    const device = this.devices[index]!;
    device.receive(bytes, atUs);
    this.queue.push(device.nextWakeUs, index);
  }

  /** Runs every device up to `nowUs + durationMs` of virtual time. */
  async runFor(durationMs: number, pacing: Pacing = 'max', wallClock: WallClock = realWallClock): Promise<void> {
    const startVirtualUs = this.nowUsValue;
    const endUs = startVirtualUs + durationMs * US_PER_MS;
    const startWallMs = wallClock.nowMs();
    const paced: PacedRun | undefined = pacing === 'realtime' ? { startVirtualUs, startWallMs, endUs, wallClock, wake: () => {} } : undefined;
    this.pacedRun = paced;
    let eventsSinceYield = 0;
    try {
      for (;;) {
        const timeUs = this.queue.peekTime();
        const due = timeUs !== undefined && timeUs <= endUs;
        if (paced !== undefined) {
          // Wait for the next event, or for the end of the run; bytes from an edge cut the wait short.
          const dueWallMs = startWallMs + ((due ? timeUs : endUs) - startVirtualUs) / US_PER_MS;
          const waitMs = dueWallMs - wallClock.nowMs();
          if (waitMs > 0) {
            await new Promise<void>((resolve) => {
              paced.wake = resolve;
              void wallClock.sleep(waitMs).then(resolve);
            });
            continue;
          }
          if (!due) break;
        } else {
          if (!due) break;
          if (++eventsSinceYield >= EVENTS_PER_YIELD) {
            eventsSinceYield = 0;
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
        const entry = this.queue.pop()!;
        const device = this.devices[entry.index]!;
        // Entries made stale by a command that woke the device early are skipped.
        if (entry.timeUs !== device.nextWakeUs) continue;
        this.nowUsValue = Math.max(this.nowUsValue, entry.timeUs);
        device.wake();
        this.queue.push(device.nextWakeUs, entry.index);
      }
    } finally {
      this.pacedRun = undefined;
    }
    this.nowUsValue = endUs;
  }

  private deliver(index: number, deviceId: string, decoder: LinkDecoder, frame: Uint8Array): void {
    this.options.onFrame?.(index, frame);
    const onMessage = this.options.onMessage;
    if (onMessage === undefined) return;
    for (const { seq, message } of decoder.push(frame)) onMessage({ deviceId, index, seq, message });
  }
}
