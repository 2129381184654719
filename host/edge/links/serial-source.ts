import { stat } from 'node:fs/promises';
import { systemClock, type Clock } from '../../flash/clock.ts';
import { listSerialPorts } from '../../flash/serial-port.ts';
import { backoffDelayMs, type BackoffPolicy } from '../forwarder/backoff.ts';
import type { DeviceLink, LinkSource } from './link.ts';
import { DEFAULT_BAUD_RATE, SerialDeviceLink } from './serial-link.ts';

/** `--serial auto` watches for ports; `--serial PATH,...` opens the named ones (issue 11). */
export type SerialPortSelection = 'auto' | readonly string[];

/** The paths of the serial ports present now. */
export type SerialPortLister = () => Promise<string[]>;

/** How often the port list is read for hot-plug (ports that appear and go). */
export const DEFAULT_POLL_INTERVAL_MS = 1000;
/** Between attempts to open a port again: 0.25 s doubling to 10 s, a quarter of each left to chance. */
export const SERIAL_REOPEN_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 10_000, multiplier: 2, jitter: 0.25 };
/** A link that stayed open this long was no flapping line: its next reopen starts the backoff afresh. */
const STABLE_LINK_MS = 10_000;

export interface SerialLinkSourceOptions {
  ports: SerialPortSelection;
  /** 8N1 at this rate (default 115200). */
  baudRate?: number;
  pollIntervalMs?: number;
  /**
   * Which ports are present now. By default, for `auto`: the ports @serialport/bindings-cpp lists that have a USB
   * identity (USB-serial adapters and boards with USB CDC; on Linux the list needs udev); for named ports: those
   * whose path exists, so a symlink such as /dev/serial/by-id/... or socat's `link=` works.
   */
  listPorts?: SerialPortLister;
  reopenBackoff?: BackoffPolicy;
  /** [0, 1) for the backoff's jitter. */
  random?: () => number;
  clock?: Clock;
  /** A port that cannot be opened, or a port list that cannot be read: once per run of failures, for a log. */
  onProblem?(problem: string): void;
}

interface PortState {
  link: SerialDeviceLink | undefined;
  opening: boolean;
  /** Failed opens and unstable links since the port was last stable: the backoff's attempt number. */
  retries: number;
  nextAttemptAtMs: number;
  openedAtMs: number;
}

/**
 * The serial ports as device links (issue 11): each open port is one device's link, 8N1. The port list is read
 * every `pollIntervalMs`: a port that appears (every port with `auto`, a named one otherwise) is opened, and one
 * that goes closes its link as `unplugged`, as does a line that hangs up. A port that comes back is opened again,
 * a failed open or a link that did not last being retried after a bounded backoff.
 */
export class SerialLinkSource implements LinkSource {
  readonly name: string;
  private readonly baudRate: number;
  private readonly pollIntervalMs: number;
  private readonly listPorts: SerialPortLister;
  private readonly backoff: BackoffPolicy;
  private readonly random: () => number;
  private readonly clock: Clock;
  private readonly states = new Map<string, PortState>();
  private onLink: ((link: DeviceLink) => void) | undefined;
  private cancelPoll: (() => void) | undefined;
  private polling: Promise<void> = Promise.resolve();
  private readonly openings = new Set<Promise<void>>();
  private stopped = false;
  private listingFailed = false;

  constructor(private readonly options: SerialLinkSourceOptions) {
    const { ports } = options;
    this.name = ports === 'auto' ? 'serial:auto' : `serial:${ports.join(',')}`;
    this.baudRate = options.baudRate ?? DEFAULT_BAUD_RATE;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.listPorts = options.listPorts ?? (ports === 'auto' ? listUsbSerialPorts : () => existingPaths(ports));
    this.backoff = options.reopenBackoff ?? SERIAL_REOPEN_BACKOFF;
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Reads the port list once and starts opening what it finds, then watches it. Rejects when the list cannot be
   * read at all (`auto` without udev on Linux, say); a named port that is missing or busy is only retried.
   */
  async start(onLink: (link: DeviceLink) => void): Promise<void> {
    this.onLink = onLink;
    await this.listPorts();
    this.polling = this.poll();
    await this.polling;
  }

  /** Stops watching and closes every open link (each reports `closed`). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelPoll?.();
    await this.polling;
    await Promise.all(this.openings);
    await Promise.all([...this.states.values()].map((state) => state.link?.close()));
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    let present: Set<string>;
    try {
      present = new Set(await this.listPorts());
      this.listingFailed = false;
    } catch (error) {
      if (!this.listingFailed) this.options.onProblem?.(`cannot list serial ports: ${(error as Error).message}`);
      this.listingFailed = true;
      present = new Set([...this.states.keys()]);
    }
    this.reconcile(present);
    if (!this.stopped) this.cancelPoll = this.clock.schedule(this.pollIntervalMs, () => (this.polling = this.poll()));
  }

  /** Closes the links of ports gone from the list and opens the wanted ports that are there. */
  private reconcile(present: Set<string>): void {
    for (const [path, state] of this.states) {
      if (present.has(path)) continue;
      if (state.link !== undefined) void state.link.unplug();
      if (this.options.ports === 'auto' && state.link === undefined && !state.opening) this.states.delete(path);
    }
    const wanted = this.options.ports === 'auto' ? [...present] : this.options.ports.filter((path) => present.has(path));
    const nowMs = this.clock.nowMs();
    for (const path of wanted) {
      let state = this.states.get(path);
      if (state === undefined) {
        state = { link: undefined, opening: false, retries: 0, nextAttemptAtMs: nowMs, openedAtMs: 0 };
        this.states.set(path, state);
      }
      if (state.link === undefined && !state.opening && nowMs >= state.nextAttemptAtMs) {
        const opening = this.open(path, state);
        this.openings.add(opening);
        void opening.finally(() => this.openings.delete(opening));
      }
    }
  }

  private async open(path: string, state: PortState): Promise<void> {
    state.opening = true;
    let link: SerialDeviceLink;
    try {
      link = await SerialDeviceLink.open(path, this.baudRate);
    } catch (error) {
      if (state.retries === 0) this.options.onProblem?.(`${(error as Error).message}; retrying`);
      this.retryLater(state);
      return;
    } finally {
      state.opening = false;
    }
    if (this.stopped) {
      await link.close();
      return;
    }
    state.link = link;
    state.openedAtMs = this.clock.nowMs();
    link.onClose(() => {
      state.link = undefined;
      if (this.clock.nowMs() - state.openedAtMs >= STABLE_LINK_MS) state.retries = 0;
      this.retryLater(state);
    });
    this.onLink?.(link);
  }

  private retryLater(state: PortState): void {
    state.nextAttemptAtMs = this.clock.nowMs() + backoffDelayMs(this.backoff, state.retries, this.random);
    state.retries += 1;
  }
}

/** Ports with a USB identity, as @serialport/bindings-cpp lists them. */
async function listUsbSerialPorts(): Promise<string[]> {
  return (await listSerialPorts()).filter((port) => port.vendorId !== undefined).map((port) => port.path);
}

/** The named paths that exist now (a symlink counts when what it points to exists). */
async function existingPaths(paths: readonly string[]): Promise<string[]> {
  const exists = await Promise.all(paths.map((path) => stat(path).then(() => true, () => false)));
  return paths.filter((_, index) => exists[index]);
}
