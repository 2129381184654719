import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../host/flash/clock.ts';
import { openPtyPair, type PtyPair } from '../../../host/flash/simulator/pty-pair.ts';
import { PtyDevicePort } from '../../../host/flash/simulator/pty-port.ts';
import type { DeviceLink } from '../../../host/edge/links/link.ts';
import { SerialLinkSource } from '../../../host/edge/links/serial-source.ts';
import { LinkDecoder } from '../../../host/link/decoder.ts';
import { LinkEncoder } from '../../../host/link/encoder.ts';
import type { LinkMessage } from '../../../host/link/messages.ts';

type CloseReason = 'unplugged' | 'closed' | 'error';

/** A link as the test sees it: the frames decoded from it so far, and its close. */
interface WatchedLink {
  link: DeviceLink;
  decoder: LinkDecoder;
  messages: LinkMessage[];
  closed: Promise<CloseReason>;
}

function watch(link: DeviceLink): WatchedLink {
  const decoder = new LinkDecoder();
  const messages: LinkMessage[] = [];
  link.onData((bytes) => messages.push(...decoder.push(bytes).map(({ message }) => message)));
  return { link, decoder, messages, closed: new Promise((resolve) => link.onClose(resolve)) };
}

async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A device on the far end of a socat pty pair: writes link frames, reads what the edge sends. */
class PtyDevice {
  readonly port: PtyDevicePort;
  private readonly encoder: LinkEncoder;

  constructor(
    readonly pty: PtyPair,
    session: number,
  ) {
    this.port = new PtyDevicePort(pty.devicePath, systemClock);
    this.encoder = new LinkEncoder({ session });
  }

  async log(text: string): Promise<void> {
    await this.port.write(this.encoder.encode({ type: 'log', timeMs: 0, level: 2, text }));
  }

  /** Unplugs it: socat (this test's own) ends, and with it both pseudo-terminals. */
  async unplug(): Promise<void> {
    await this.port.close();
    await this.pty.close();
  }
}

const POLL_INTERVAL_MS = 100;
/** Short, so a re-plug is seen within a few polls. */
const TEST_BACKOFF = { initialMs: 50, maxMs: 400, multiplier: 2, jitter: 0 };

let dir: string;
let source: SerialLinkSource | undefined;
const devices: PtyDevice[] = [];
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wasmote-serial-source-'));
});
afterEach(async () => {
  await source?.stop();
  source = undefined;
  for (const device of devices.splice(0)) await device.unplug();
  await rm(dir, { recursive: true, force: true });
});

async function plug(linkPath: string, session: number): Promise<PtyDevice> {
  const device = new PtyDevice(await openPtyPair(linkPath), session);
  devices.push(device);
  return device;
}

async function unplug(device: PtyDevice): Promise<void> {
  devices.splice(devices.indexOf(device), 1);
  await device.unplug();
}

describe('the serial link source over socat pseudo-terminals', () => {
  it('opens a named port, carries frames both ways, closes it as unplugged when socat ends, and reopens it when it is back', async () => {
    const portPath = path.join(dir, 'ttyDEVICE0');
    const first = await plug(portPath, 0x0001_0001);
    const links: WatchedLink[] = [];
    source = new SerialLinkSource({ ports: [portPath], pollIntervalMs: POLL_INTERVAL_MS, reopenBackoff: TEST_BACKOFF });
    await source.start((link) => links.push(watch(link)));
    expect(source.name).toBe(`serial:${portPath}`);
    await eventually(() => links.length === 1, 'the link');
    expect(links[0]!.link.name).toBe(`serial:${portPath}`);

    for (let k = 0; k < 10; k++) await first.log(`line ${k}`);
    await eventually(() => links[0]!.messages.length === 10, 'ten frames');
    expect(links[0]!.messages.map((message) => (message as { text: string }).text)).toEqual(Array.from({ length: 10 }, (_, k) => `line ${k}`));
    expect(links[0]!.decoder.stats).toMatchObject({ framesOk: 10, gaps: 0, crc: 0, cobs: 0 });

    const command = new LinkEncoder({ session: 0xed9e_0002 }).encode({ type: 'command', commandId: 1, payload: Uint8Array.of(0x70) });
    links[0]!.link.write(command);
    expect([...(await first.port.read(command.length, 2000))]).toEqual([...command]);

    await unplug(first);
    expect(await links[0]!.closed).toBe('unplugged');

    // Plugged in again at the same path: a new link, with the same name, from the new device's first frame.
    const second = await plug(portPath, 0x0002_0002);
    await eventually(() => links.length === 2, 'the link reopened', 5000);
    expect(links[1]!.link.name).toBe(`serial:${portPath}`);
    await second.log('back again');
    await eventually(() => links[1]!.messages.length === 1, 'a frame on the reopened link');
    expect(links[1]!.messages[0]).toMatchObject({ type: 'log', text: 'back again' });

    await source.stop();
    source = undefined;
    expect(await links[1]!.closed).toBe('closed');
  });

  it('paused, reads nothing while the device writes; resumed, delivers every frame in order', async () => {
    const portPath = path.join(dir, 'ttyDEVICE0');
    const device = await plug(portPath, 0x0003_0003);
    const links: WatchedLink[] = [];
    source = new SerialLinkSource({ ports: [portPath], pollIntervalMs: POLL_INTERVAL_MS, reopenBackoff: TEST_BACKOFF });
    await source.start((link) => links.push(watch(link)));
    await eventually(() => links.length === 1, 'the link');
    const [watched] = links;
    await device.log('before');
    await eventually(() => watched!.messages.length === 1, 'the first frame');

    watched!.link.pause!();
    // The read already waiting when pause() came delivers what it gets; the pause holds from the next read on.
    await device.log('first while paused');
    await eventually(() => watched!.messages.length === 2, 'the read under way');
    for (let k = 0; k < 5; k++) await device.log(`paused ${k}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(watched!.messages.length).toBe(2);

    watched!.link.resume!();
    await eventually(() => watched!.messages.length === 7, 'every frame after resume');
    expect(watched!.messages.map((message) => (message as { text: string }).text)).toEqual([
      'before',
      'first while paused',
      ...Array.from({ length: 5 }, (_, k) => `paused ${k}`),
    ]);
  });

  it('waits for a named port that is missing at the start', async () => {
    const portPath = path.join(dir, 'ttyLATE');
    const links: WatchedLink[] = [];
    source = new SerialLinkSource({ ports: [portPath], pollIntervalMs: POLL_INTERVAL_MS, reopenBackoff: TEST_BACKOFF });
    await source.start((link) => links.push(watch(link)));
    await new Promise((resolve) => setTimeout(resolve, 3 * POLL_INTERVAL_MS));
    expect(links).toEqual([]);
    const device = await plug(portPath, 0x0003_0003);
    await eventually(() => links.length === 1, 'the link');
    await device.log('late but here');
    await eventually(() => links[0]!.messages.length === 1, 'a frame');
  });

  it('with auto, opens ports as they appear in the list and closes the one that goes, leaving the other working', async () => {
    const candidates = [path.join(dir, 'ttyUSB0'), path.join(dir, 'ttyUSB1')];
    const links: WatchedLink[] = [];
    // The binding's own list cannot see pseudo-terminals (it asks udev for USB serial ports): the test lists them.
    source = new SerialLinkSource({
      ports: 'auto',
      pollIntervalMs: POLL_INTERVAL_MS,
      reopenBackoff: TEST_BACKOFF,
      listPorts: async () => candidates.filter((candidate) => existsSync(candidate)),
    });
    await source.start((link) => links.push(watch(link)));
    expect(source.name).toBe('serial:auto');
    expect(links).toEqual([]);

    const [a, b] = [await plug(candidates[0]!, 0x000a_000a), await plug(candidates[1]!, 0x000b_000b)];
    await eventually(() => links.length === 2, 'two links');
    const linkOf = (device: PtyDevice) => links.find(({ link }) => link.name === `serial:${device.pty.hostLink}`)!;
    await a.log('from a');
    await b.log('from b');
    await eventually(() => linkOf(a).messages.length === 1 && linkOf(b).messages.length === 1, 'a frame on each');

    await unplug(a);
    expect(await linkOf(a).closed).toBe('unplugged');
    await b.log('b still here');
    await eventually(() => linkOf(b).messages.length === 2, 'the other link still working');
    expect(links).toHaveLength(2);
  });

  it('with auto, closes a port that leaves the list as unplugged even while its line is up, and opens it when it is back', async () => {
    const portPath = path.join(dir, 'ttyACM0');
    const listed = new Set<string>();
    const links: WatchedLink[] = [];
    source = new SerialLinkSource({
      ports: 'auto',
      pollIntervalMs: POLL_INTERVAL_MS,
      reopenBackoff: TEST_BACKOFF,
      listPorts: async () => [...listed],
    });
    await source.start((link) => links.push(watch(link)));
    const device = await plug(portPath, 0x000c_000c);
    listed.add(portPath);
    await eventually(() => links.length === 1, 'the link');

    listed.delete(portPath);
    expect(await links[0]!.closed).toBe('unplugged');
    listed.add(portPath);
    await eventually(() => links.length === 2, 'the link reopened');
    await device.log('seen again');
    await eventually(() => links[1]!.messages.length === 1, 'a frame on the reopened link');
  });
});
