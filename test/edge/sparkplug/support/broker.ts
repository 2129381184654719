import { connect as tcpConnect, createServer, type Server, type Socket } from 'node:net';
import { Mosquitto, tempDir } from '../../../../bench/peers.ts';

const MACHINE_BROKER = { host: '127.0.0.1', port: 1883 };

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * The machine's Mosquitto on 127.0.0.1:1883 when it runs (tests then keep apart by a group id of their own), else
 * one of this run's own (bench/peers.ts).
 */
export async function useBroker(): Promise<{ host: string; port: number; url: string; stop: () => Promise<void> }> {
  if (await reachable(MACHINE_BROKER.host, MACHINE_BROKER.port)) {
    return { ...MACHINE_BROKER, url: `mqtt://${MACHINE_BROKER.host}:${MACHINE_BROKER.port}`, stop: async () => {} };
  }
  const dir = tempDir('sparkplug');
  const broker = await Mosquitto.start(dir.path);
  return {
    host: '127.0.0.1',
    port: broker.port,
    url: broker.url,
    stop: async () => {
      await broker.stop();
      dir.remove();
    },
  };
}

/**
 * A TCP relay in front of the broker, so a test can cut the edge's connection as a network failure would: the
 * sockets are destroyed, no DISCONNECT is sent, and the broker publishes the will.
 */
export class CuttableRelay {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((inbound) => this.relay(inbound));
  }

  static async start(target: { host: string; port: number }): Promise<CuttableRelay> {
    const relay = new CuttableRelay(target);
    await new Promise<void>((resolve) => relay.server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  get url(): string {
    const { port } = this.server.address() as { port: number };
    return `mqtt://127.0.0.1:${port}`;
  }

  private relay(inbound: Socket): void {
    const outbound = tcpConnect(this.target.port, this.target.host);
    for (const socket of [inbound, outbound]) {
      this.sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.sockets.delete(socket);
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  }

  /** Destroys every relayed connection. */
  cut(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
