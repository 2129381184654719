import { EdgeUplink, type EdgeAddress, type EdgeConnectionChange, type EdgeUplinkStats } from './edge-uplink.ts';
import { WholeSegments } from './whole-segments.ts';

export interface DeviceUplinksOptions {
  address: EdgeAddress;
  /** How the address prints in notes (`tcp://HOST:PORT`). */
  addressText: string;
  deviceCount: number;
  /** Whole segments from the edge (docs/link-protocol.md §2) for the device at `index`. */
  onSegment(index: number, segment: Uint8Array): void;
  /** One line for the user when the first device reaches the edge, when the last loses it, or when none can reach it. */
  onNote?(note: string): void;
}

/**
 * A fleet's links to one edge (`wasmote sim --edge`, `wasmote firmware run --edge`; issue 11): a TCP connection per
 * device, each reconnecting on its own, with notes about the fleet as a whole rather than about every device.
 */
export class DeviceUplinks {
  private readonly uplinks: EdgeUplink[];
  /** Per device, for sendStream(): the device's bytes cut into whole segments. */
  private readonly deviceSegments: WholeSegments[];
  private connectedCount = 0;
  private everConnected = false;
  /** A note about the edge being out of reach has been given since the fleet last had a connection. */
  private outageNoted = false;

  constructor(private readonly options: DeviceUplinksOptions) {
    this.uplinks = Array.from(
      { length: options.deviceCount },
      (_, index) =>
        new EdgeUplink({
          address: options.address,
          onSegment: (segment) => options.onSegment(index, segment),
          onConnectionChange: (change, error) => this.changed(change, error),
        }),
    );
    this.deviceSegments = this.uplinks.map(() => new WholeSegments());
  }

  /**
   * Starts connecting every device, and resolves once each has connected or failed its first attempt, so that a run
   * started then does not lose its first frames (the HELLO, docs/link-protocol.md §7.1) to a connection on its way.
   */
  async start(): Promise<void> {
    for (const uplink of this.uplinks) uplink.start();
    await Promise.all(this.uplinks.map((uplink) => uplink.firstAttempt));
  }

  /** One whole frame from the device at `index`; lost when its connection is down. */
  send(index: number, frame: Uint8Array): void {
    this.uplinks[index]!.send(frame);
  }

  /**
   * Bytes from the device at `index` as its UART delivers them (a firmware run's stdout): sent a whole segment at a
   * time, so a connection made again never starts in the middle of a frame.
   */
  sendStream(index: number, chunk: Uint8Array): void {
    for (const segment of this.deviceSegments[index]!.push(chunk)) this.uplinks[index]!.send(segment);
  }

  get connected(): number {
    return this.connectedCount;
  }

  /** The devices' counts, summed. */
  get stats(): EdgeUplinkStats {
    const total: EdgeUplinkStats = { connections: 0, framesSent: 0, framesLost: 0, bytesDiscarded: 0 };
    for (const { stats } of this.uplinks) {
      total.connections += stats.connections;
      total.framesSent += stats.framesSent;
      total.framesLost += stats.framesLost;
      total.bytesDiscarded += stats.bytesDiscarded;
    }
    return total;
  }

  /** One line for a run's summary. */
  summary(): string {
    const { connections, framesSent, framesLost } = this.stats;
    return `edge ${this.options.addressText}: ${connections} connection(s), ${framesSent} frames sent, ${framesLost} lost while not connected`;
  }

  async close(): Promise<void> {
    await Promise.all(this.uplinks.map((uplink) => uplink.close()));
  }

  private changed(change: EdgeConnectionChange, error: Error | undefined): void {
    const where = this.options.addressText;
    const why = error === undefined ? '' : ` (${(error as NodeJS.ErrnoException).code ?? error.message})`;
    if (change === 'connected') {
      this.connectedCount += 1;
      if (this.connectedCount === 1) this.note(`${this.everConnected ? 'reconnected' : 'connected'} to the edge at ${where}`);
      this.everConnected = true;
      this.outageNoted = false;
    } else if (change === 'lost') {
      this.connectedCount -= 1;
      if (this.connectedCount === 0) {
        this.note(`lost the edge at ${where}${why}; reconnecting, and frames sent meanwhile are lost`);
        this.outageNoted = true;
      }
    } else if (this.connectedCount === 0 && !this.outageNoted) {
      this.note(`cannot reach the edge at ${where}${why}; retrying`);
      this.outageNoted = true;
    }
  }

  private note(text: string): void {
    this.options.onNote?.(text);
  }
}
