import { createServer, type Server, type Socket } from 'node:net';
import { LinkDecoder, type DecodedFrame } from '../../../../host/link/decoder.ts';
import { LinkEncoder } from '../../../../host/link/encoder.ts';
import type { LinkMessage } from '../../../../host/link/messages.ts';

/** One device connection as the test edge saw it: every frame decoded from it, in order. */
export interface ServedConnection {
  socket: Socket;
  frames: DecodedFrame[];
  decoder: LinkDecoder;
  /** Encodes `message` with the test edge's session and sends it on this connection. */
  send(message: LinkMessage): void;
}

/**
 * A small stand-in for an edge on a loopback port: it decodes each connection's frames with host/link's
 * LinkDecoder and can answer on the same connection. It can stop and listen again on the same port.
 */
export class FrameServer {
  readonly connections: ServedConnection[] = [];
  private server: Server | undefined;
  private readonly waiters = new Set<() => void>();
  private readonly encoder = new LinkEncoder({ session: 0x5e55_1011 });

  constructor(public port = 0) {}

  async listen(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
  }

  /** Stops listening and cuts every open connection, as an edge that went away would. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const { socket } of this.connections) socket.destroy();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves once `done()` holds after some frame or connection arrives; rejects after `timeoutMs`. */
  until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  private accept(socket: Socket): void {
    const decoder = new LinkDecoder();
    const connection: ServedConnection = {
      socket,
      frames: [],
      decoder,
      send: (message) => socket.write(this.encoder.encode(message)),
    };
    this.connections.push(connection);
    socket.on('data', (chunk) => {
      connection.frames.push(...decoder.push(chunk));
      this.notify();
    });
    socket.on('error', () => {});
    this.notify();
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }
}
