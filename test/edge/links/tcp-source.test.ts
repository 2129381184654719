import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceLink } from '../../../host/edge/links/link.ts';
import { TcpLinkSource, TcpListenError } from '../../../host/edge/links/tcp-source.ts';
import { LinkDecoder } from '../../../host/link/decoder.ts';
import { LinkEncoder } from '../../../host/link/encoder.ts';
import type { LinkMessage } from '../../../host/link/messages.ts';

type CloseReason = 'unplugged' | 'closed' | 'error';

/** A link as the test sees it: its bytes so far, and its close. */
interface WatchedLink {
  link: DeviceLink;
  bytes: number[];
  closed: Promise<CloseReason>;
}

function watch(link: DeviceLink): WatchedLink {
  const bytes: number[] = [];
  link.onData((chunk) => bytes.push(...chunk));
  return { link, bytes, closed: new Promise((resolve) => link.onClose(resolve)) };
}

async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

function received(socket: Socket): number[] {
  const bytes: number[] = [];
  socket.on('data', (chunk) => bytes.push(...chunk));
  return bytes;
}

const log = (timeMs: number, text: string): LinkMessage => ({ type: 'log', timeMs, level: 2, text });

let source: TcpLinkSource | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await source?.stop();
  source = undefined;
});

async function startSource(): Promise<{ source: TcpLinkSource; links: WatchedLink[] }> {
  const links: WatchedLink[] = [];
  source = new TcpLinkSource({ host: '127.0.0.1', port: 0 });
  await source.start((link) => links.push(watch(link)));
  return { source, links };
}

describe('the TCP link source', () => {
  it('listens on loopback, on the port the OS chose for 0, and names itself by it', async () => {
    const { source } = await startSource();
    expect(source.port).toBeGreaterThan(0);
    expect(source.name).toBe(`tcp:127.0.0.1:${source.port}`);
  });

  it('gives each of two concurrent connections its own link, named by the peer, with its own bytes both ways', async () => {
    const { source, links } = await startSource();
    const first = await dial(source.port);
    const second = await dial(source.port);
    sockets.push(first, second);
    await eventually(() => links.length === 2, 'two links');
    const byPort = (socket: Socket) => links.find(({ link }) => link.name === `tcp:127.0.0.1:${socket.localPort}`)!;
    const [one, two] = [byPort(first), byPort(second)];
    expect(one).toBeDefined();
    expect(two).toBeDefined();

    // Two devices' frames, interleaved in time, each arriving whole on its own link only.
    const encoders = [new LinkEncoder({ session: 0x1111_0001 }), new LinkEncoder({ session: 0x2222_0002 })];
    const sent: [Uint8Array[], Uint8Array[]] = [[], []];
    for (let k = 0; k < 20; k++) {
      for (const [index, socket] of [first, second].entries()) {
        const frame = encoders[index]!.encode(log(k, `device ${index} line ${k}`));
        sent[index]!.push(frame);
        socket.write(frame);
      }
    }
    const length = (frames: Uint8Array[]) => frames.reduce((sum, frame) => sum + frame.length, 0);
    await eventually(() => one.bytes.length === length(sent[0]) && two.bytes.length === length(sent[1]), 'every byte');
    expect(one.bytes).toEqual(sent[0].flatMap((frame) => [...frame]));
    expect(two.bytes).toEqual(sent[1].flatMap((frame) => [...frame]));

    // Commands back: each to its own connection.
    const back = [received(first), received(second)];
    one.link.write(Uint8Array.of(1, 2, 3, 0));
    two.link.write(Uint8Array.of(4, 5, 0));
    await eventually(() => back[0]!.length === 4 && back[1]!.length === 3, 'the writes');
    expect(back).toEqual([
      [1, 2, 3, 0],
      [4, 5, 0],
    ]);
  });

  it('keeps a connection that sends garbage from hurting another', async () => {
    const { source, links } = await startSource();
    const noisy = await dial(source.port);
    const good = await dial(source.port);
    sockets.push(noisy, good);
    await eventually(() => links.length === 2, 'two links');
    const goodLink = links.find(({ link }) => link.name.endsWith(`:${good.localPort}`))!;
    const noisyLink = links.find(({ link }) => link.name.endsWith(`:${noisy.localPort}`))!;
    const decoder = new LinkDecoder();
    goodLink.link.onData((chunk) => decoder.push(chunk));

    const garbage = Uint8Array.from({ length: 64 * 1024 }, (_, i) => (i * 131 + 7) & 0xff);
    const encoder = new LinkEncoder({ session: 0x3333_0003 });
    for (let k = 0; k < 50; k++) {
      noisy.write(garbage.subarray(k * 1024, (k + 1) * 1024));
      good.write(encoder.encode(log(k, `line ${k}`)));
    }
    await eventually(() => decoder.stats.framesOk === 50 && noisyLink.bytes.length === 50 * 1024, 'all bytes');
    expect(decoder.stats.gaps).toBe(0);
    expect(noisyLink.bytes).toEqual([...garbage.subarray(0, 50 * 1024)]);
  });

  it("closes a link as 'closed' when the device ends its connection, leaving the others open", async () => {
    const { source, links } = await startSource();
    const leaving = await dial(source.port);
    const staying = await dial(source.port);
    sockets.push(leaving, staying);
    await eventually(() => links.length === 2, 'two links');
    const leavingLink = links.find(({ link }) => link.name.endsWith(`:${leaving.localPort}`))!;
    const stayingLink = links.find(({ link }) => link.name.endsWith(`:${staying.localPort}`))!;
    leaving.end();
    expect(await leavingLink.closed).toBe('closed');
    staying.write(Uint8Array.of(9, 0));
    await eventually(() => stayingLink.bytes.length === 2, 'bytes on the other link');
    // A write to the closed link goes nowhere and does not throw.
    leavingLink.link.write(Uint8Array.of(1, 0));
  });

  it("ends the connection on close(), reports 'closed', and closes every link on stop()", async () => {
    const { source, links } = await startSource();
    const first = await dial(source.port);
    const second = await dial(source.port);
    sockets.push(first, second);
    await eventually(() => links.length === 2, 'two links');
    const ended = (socket: Socket) => new Promise<void>((resolve) => socket.once('end', () => resolve()));
    const firstEnded = ended(first);
    const firstLink = links.find(({ link }) => link.name.endsWith(`:${first.localPort}`))!;
    await firstLink.link.close();
    expect(await firstLink.closed).toBe('closed');
    await firstEnded;

    const secondEnded = ended(second);
    await source.stop();
    await secondEnded;
    expect(await Promise.all(links.map(({ closed }) => closed))).toEqual(['closed', 'closed']);
    // Stopped: nothing listens on the port any more.
    await expect(dial(source.port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it("reports a reset connection as 'error'", async () => {
    const { source, links } = await startSource();
    const socket = await dial(source.port);
    sockets.push(socket);
    await eventually(() => links.length === 1, 'a link');
    socket.resetAndDestroy();
    expect(await links[0]!.closed).toBe('error');
  });

  it('refuses a port that is taken, naming it', async () => {
    const { source: first } = await startSource();
    const second = new TcpLinkSource({ host: '127.0.0.1', port: first.port });
    const error = await second.start(() => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TcpListenError);
    expect((error as Error).message).toBe(`cannot listen on 127.0.0.1:${first.port}: the port is in use`);
  });

  it("paused, stops reading, so the peer's writes back up in TCP; resumed, delivers every byte in order", async () => {
    const { source, links } = await startSource();
    const peer = await dial(source.port);
    sockets.push(peer);
    await eventually(() => links.length === 1, 'a link');
    const [watched] = links;
    watched!.link.pause!();
    // Far more than the kernel's buffers hold, so the peer's socket must report that it is full.
    const chunk = Buffer.alloc(64 * 1024, 0x5a);
    let written = 0;
    while (peer.write(chunk)) written += chunk.length;
    written += chunk.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(watched!.bytes.length).toBeLessThan(written);
    expect(peer.writableNeedDrain).toBe(true);
    watched!.link.resume!();
    await eventually(() => watched!.bytes.length === written, `all ${written} bytes after resume`, 20_000);
    expect(watched!.bytes.every((byte) => byte === 0x5a)).toBe(true);
  });
});
