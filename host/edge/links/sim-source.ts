import type { AppImage } from '../../sim/app-image.ts';
import type { WallClock } from '../../sim/clock.ts';
import type { Scenario } from '../../sim/scenario.ts';
import { Simulation } from '../../sim/simulation.ts';
import { LinkListeners, type LinkCloseReason } from './link-listeners.ts';
import type { DeviceLink, LinkSource } from './link.ts';

/** Virtual time run per slice; stop() waits at most this long for the slice in progress. */
const SLICE_MS = 1000;

export interface SimLinkSourceOptions {
  app: AppImage;
  scenario: Scenario;
  deviceCount: number;
  seed: number;
  /** Device ids are `<idPrefix>-0000`, ...; by default `sim-<4 random hex digits>`. */
  idPrefix?: string;
  /** The wall clock the fleet is paced to (a test's fake, or real time). */
  wallClock?: WallClock;
}

/** One simulated device's UART as a DeviceLink: its frames to the gateway, the gateway's bytes to its receiver. */
class SimDeviceLink implements DeviceLink {
  private readonly listeners = new LinkListeners();

  constructor(
    readonly name: string,
    private readonly toDevice: (bytes: Uint8Array) => void,
  ) {}

  fromDevice(frame: Uint8Array): void {
    this.listeners.data(frame);
  }

  write(bytes: Uint8Array): void {
    if (!this.listeners.closed) this.toDevice(bytes);
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.listeners.onData(listener);
  }

  onClose(listener: (reason: LinkCloseReason) => void): void {
    this.listeners.onClose(listener);
  }

  close(reason: LinkCloseReason = 'closed'): Promise<void> {
    this.listeners.close(reason);
    return Promise.resolve();
  }
}

/**
 * Simulated devices in the gateway's own process (`wasmote edge --sim N`): the fleet of host/sim runs paced in real
 * time, each device's frames reach the gateway over a link of its own, and the gateway's commands reach the
 * device's runner (docs/link-protocol.md §7.4) as `wasmote sim --edge` delivers them over TCP.
 */
export class SimLinkSource implements LinkSource {
  readonly name: string;
  private readonly simulation: Simulation;
  private readonly links: SimDeviceLink[];
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: SimLinkSourceOptions) {
    this.name = `sim:${options.deviceCount}`;
    this.links = [];
    this.simulation = new Simulation({
      app: options.app,
      scenario: options.scenario,
      deviceCount: options.deviceCount,
      seed: options.seed,
      ...(options.idPrefix === undefined ? {} : { idPrefix: options.idPrefix }),
      onFrame: (index, frame) => this.links[index]?.fromDevice(frame),
    });
    for (const [index, device] of this.simulation.devices.entries()) {
      this.links.push(new SimDeviceLink(`sim:${device.deviceId}`, (bytes) => this.simulation.receiveFromEdge(index, bytes)));
    }
  }

  /** The device ids, in fleet order. */
  get deviceIds(): string[] {
    return this.simulation.devices.map((device) => device.deviceId);
  }

  /** The simulated devices, in fleet order: their boards (virtual GPIO) and chips, for tests and tools. */
  get devices(): Simulation['devices'] {
    return this.simulation.devices;
  }

  async start(onLink: (link: DeviceLink) => void): Promise<void> {
    for (const link of this.links) onLink(link);
    this.running = this.run();
  }

  /** Ends the fleet's run and closes every link (each reports `closed`). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    await Promise.all(this.links.map((link) => link.close()));
  }

  /** Takes device `index`'s link away as an unplugged cable would; the device runs on, unheard. */
  async unplug(index: number): Promise<void> {
    await this.links[index]?.close('unplugged');
  }

  private async run(): Promise<void> {
    while (!this.stopped) await this.simulation.runFor(SLICE_MS, 'realtime', this.options.wallClock);
  }
}
