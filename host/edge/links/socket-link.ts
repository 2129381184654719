import type { Socket } from 'node:net';
import { isIPv6 } from 'node:net';
import { LinkListeners } from './link-listeners.ts';
import type { DeviceLink } from './link.ts';

/** How long close() waits for the peer to finish the connection before it cuts it. */
const CLOSE_GRACE_MS = 2000;
/** TCP keep-alive probes start after this much silence, so a device that vanished without a FIN is noticed. */
const KEEP_ALIVE_IDLE_MS = 30_000;
/** Bytes the peer may leave unread before the link gives up on it: commands are small, this is a stuck peer. */
const MAX_UNSENT_BYTES = 1024 * 1024;

/** `tcp:<address>:<port>`, an IPv6 address in brackets so the port stays readable. */
export function socketLinkName(address: string | undefined, port: number | undefined): string {
  const host = address === undefined ? 'unknown' : isIPv6(address) ? `[${address}]` : address;
  return `tcp:${host}:${port ?? 0}`;
}

/**
 * One accepted TCP connection as a DeviceLink: the bytes are one device's link (docs/link-protocol.md §2), in
 * whatever chunks TCP delivers. The link closes as `closed` when either end ends the connection in order, and as
 * `error` when it fails (reset, keep-alive timeout, a peer that stops reading).
 */
export class SocketDeviceLink implements DeviceLink {
  readonly name: string;
  private readonly listeners = new LinkListeners();
  private readonly socketClosed: Promise<void>;

  constructor(private readonly socket: Socket) {
    this.name = socketLinkName(socket.remoteAddress, socket.remotePort);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, KEEP_ALIVE_IDLE_MS);
    this.socketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.listeners.data(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
    socket.on('error', () => this.listeners.close('error'));
    socket.once('close', (hadError) => this.listeners.close(hadError ? 'error' : 'closed'));
  }

  write(bytes: Uint8Array): void {
    if (this.listeners.closed || this.socket.destroyed) return;
    if (this.socket.writableLength + bytes.length > MAX_UNSENT_BYTES) {
      this.listeners.close('error');
      this.socket.destroy();
      return;
    }
    this.socket.write(bytes);
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.listeners.onData(listener);
  }

  onClose(listener: (reason: 'unplugged' | 'closed' | 'error') => void): void {
    this.listeners.onClose(listener);
  }

  /** Ends the connection (reported as `closed`) and resolves once the socket has closed. */
  async close(): Promise<void> {
    this.listeners.close('closed');
    if (!this.socket.destroyed) {
      this.socket.end();
      const timer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
      await this.socketClosed;
      clearTimeout(timer);
    }
  }
}
