import { connect, type Socket } from 'node:net';
import { backoffDelayMs, type BackoffPolicy } from '../forwarder/backoff.ts';
import { WholeSegments } from './whole-segments.ts';

/** Where an edge's TCP link source listens (`--edge tcp://HOST:PORT`). */
export interface EdgeAddress {
  host: string;
  port: number;
}

/** Between attempts to reach the edge: 0.25 s doubling to 10 s, half of each left to chance. */
export const EDGE_RECONNECT_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 10_000, multiplier: 2, jitter: 0.5 };
/** A connection attempt that has not completed by then is given up and retried. */
const CONNECT_TIMEOUT_MS = 5000;
/** Bytes left unsent in the socket beyond which frames are dropped rather than queued: an edge that stopped reading. */
const MAX_UNSENT_BYTES = 64 * 1024;
/** How long close() waits for the edge to finish the connection before it cuts it. */
const CLOSE_GRACE_MS = 1000;

export type EdgeConnectionChange = 'connected' | 'lost' | 'failed';

export interface EdgeUplinkOptions {
  address: EdgeAddress;
  /** Whole segments from the edge (docs/link-protocol.md §2), each with its delimiter, for the device's receiver. */
  onSegment(segment: Uint8Array): void;
  /** The connection came up, went down, or an attempt to make it failed; `error` says why, where there is one. */
  onConnectionChange?(change: EdgeConnectionChange, error?: Error): void;
  backoff?: BackoffPolicy;
  /** [0, 1) for the backoff's jitter (Math.random, or a seeded generator in tests). */
  random?: () => number;
}

export interface EdgeUplinkStats {
  /** Connections made, the first included. */
  connections: number;
  framesSent: number;
  /** Frames dropped because no connection was up, or the edge was not reading. */
  framesLost: number;
  /** Bytes from the edge thrown away: unfinished segments of a lost connection, runs no receiver holds. */
  bytesDiscarded: number;
}

/**
 * The device's end of a TCP link to an edge (issue 11): one connection per device, carrying its frames to the edge
 * and the edge's bytes back. It reconnects with backoff whenever the connection fails or the edge goes away. A
 * frame sent while there is no connection is lost, which the edge sees as a gap in the device's sequence numbers
 * (docs/link-protocol.md §5.2), as it would on a serial line that was unplugged. Bytes from the edge reach the
 * device only as whole segments, so a connection lost in the middle of a frame leaves no half of it behind.
 */
export class EdgeUplink {
  private readonly segments = new WholeSegments();
  private readonly backoff: BackoffPolicy;
  private readonly random: () => number;
  private socket: Socket | undefined;
  private connected = false;
  private stopped = false;
  private failedAttempts = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly counts = { connections: 0, framesSent: 0, framesLost: 0 };
  private firstAttemptSettled: () => void = () => {};
  /** Resolves once the first attempt to connect has succeeded or failed. */
  readonly firstAttempt = new Promise<void>((resolve) => (this.firstAttemptSettled = resolve));

  constructor(private readonly options: EdgeUplinkOptions) {
    this.backoff = options.backoff ?? EDGE_RECONNECT_BACKOFF;
    this.random = options.random ?? Math.random;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  get stats(): EdgeUplinkStats {
    return { ...this.counts, bytesDiscarded: this.segments.discardedBytes };
  }

  /** Starts connecting; the uplink keeps trying until close(). */
  start(): void {
    if (this.socket === undefined && this.retryTimer === undefined && !this.stopped) this.connect();
  }

  /** Sends one whole frame, or counts it lost when it cannot go now. Returns whether it went. */
  send(frame: Uint8Array): boolean {
    const socket = this.socket;
    if (!this.connected || socket === undefined || socket.writableLength + frame.length > MAX_UNSENT_BYTES) {
      this.counts.framesLost += 1;
      return false;
    }
    socket.write(frame);
    this.counts.framesSent += 1;
    return true;
  }

  /** Ends the connection, after what was sent has gone, and stops reconnecting. */
  async close(): Promise<void> {
    this.stopped = true;
    this.firstAttemptSettled();
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const socket = this.socket;
    if (socket === undefined || socket.destroyed) return;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.end();
    const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
    await closed;
    clearTimeout(timer);
  }

  private connect(): void {
    const { host, port } = this.options.address;
    const socket = connect({ host, port, noDelay: true, timeout: CONNECT_TIMEOUT_MS });
    this.socket = socket;
    let failure: Error | undefined;
    socket.once('timeout', () => socket.destroy(new Error(`no answer in ${CONNECT_TIMEOUT_MS} ms`)));
    socket.once('connect', () => {
      socket.setTimeout(0);
      this.connected = true;
      this.failedAttempts = 0;
      this.counts.connections += 1;
      this.firstAttemptSettled();
      this.options.onConnectionChange?.('connected');
    });
    socket.on('data', (chunk: Buffer) => {
      for (const segment of this.segments.push(chunk)) this.options.onSegment(segment);
    });
    socket.on('error', (error) => (failure = error));
    socket.once('close', () => {
      const wasConnected = this.connected;
      this.connected = false;
      this.socket = undefined;
      this.segments.reset();
      this.firstAttemptSettled();
      if (this.stopped) return;
      this.options.onConnectionChange?.(wasConnected ? 'lost' : 'failed', failure);
      const delayMs = backoffDelayMs(this.backoff, this.failedAttempts, this.random);
      this.failedAttempts += 1;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        if (!this.stopped) this.connect();
      }, delayMs);
    });
  }
}
