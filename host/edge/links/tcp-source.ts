import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import type { DeviceLink, LinkSource } from './link.ts';
import { SocketDeviceLink } from './socket-link.ts';

/** Where the listener binds: `--tcp PORT` is loopback only; `--tcp 0.0.0.0:PORT` listens wider (issue 11). */
export interface TcpListenAddress {
  host: string;
  /** 0 asks the OS for a free port; `port` tells which after start(). */
  port: number;
}

export const DEFAULT_LISTEN_HOST = '127.0.0.1';

export interface TcpLinkSourceOptions {
  /** Connections held at once; more are refused by the OS's backlog and then by Node (default 1024). */
  maxConnections?: number;
}

const DEFAULT_MAX_CONNECTIONS = 1024;
/**
 * Connections the kernel may hold before the edge accepts them (listen(2) backlog; Linux caps it at
 * net.core.somaxconn, 4096 by default): room for a fleet that reconnects at once, where Node's default of 511
 * would overflow into SYN cookies and connections reset at their first write.
 */
const LISTEN_BACKLOG = 4096;

export class TcpListenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TcpListenError';
  }
}

/**
 * A TCP listener where each accepted connection is one device's link (docs/link-protocol.md §2): a simulator
 * (`wasmote sim --edge`), a firmware run on QEMU, or a serial-to-TCP bridge connects once per device. The bytes
 * of one connection never reach another's link, so a connection that sends garbage costs only its own frames.
 */
export class TcpLinkSource implements LinkSource {
  private readonly server: Server;
  private readonly links = new Set<SocketDeviceLink>();
  private boundPort: number;

  constructor(
    private readonly address: TcpListenAddress,
    options: TcpLinkSourceOptions = {},
  ) {
    this.boundPort = address.port;
    this.server = createServer({ noDelay: true });
    this.server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  }

  /** `tcp:<host>:<port>`, with the port bound once started. */
  get name(): string {
    const host = isIPv6(this.address.host) ? `[${this.address.host}]` : this.address.host;
    return `tcp:${host}:${this.boundPort}`;
  }

  /** The port listened on: the one asked for, or the OS's choice for 0 once started. */
  get port(): number {
    return this.boundPort;
  }

  /** Resolves once listening; rejects with TcpListenError when the address is taken or not this machine's. */
  async start(onLink: (link: DeviceLink) => void): Promise<void> {
    this.server.on('connection', (socket: Socket) => {
      const link = new SocketDeviceLink(socket);
      this.links.add(link);
      link.onClose(() => this.links.delete(link));
      onLink(link);
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        const why = error.code === 'EADDRINUSE' ? 'the port is in use' : error.code === 'EADDRNOTAVAIL' ? 'no such local address' : error.message;
        reject(new TcpListenError(`cannot listen on ${this.address.host}:${this.address.port}: ${why}`));
      };
      this.server.once('error', onError);
      this.server.listen({ port: this.address.port, host: this.address.host, backlog: LISTEN_BACKLOG }, () => {
        this.server.off('error', onError);
        this.boundPort = (this.server.address() as { port: number }).port;
        resolve();
      });
    });
  }

  /** Stops accepting, closes every open link (each reports `closed`) and resolves once all are gone. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
    });
    await Promise.all([...this.links].map((link) => link.close()));
    await closed;
  }
}
