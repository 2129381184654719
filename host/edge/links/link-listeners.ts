import type { DeviceLink } from './link.ts';

export type LinkCloseReason = Parameters<Parameters<DeviceLink['onClose']>[0]>[0];

/** Bytes held for a data listener that has not come yet; more are dropped (a link nobody reads). */
const MAX_HELD_BYTES = 64 * 1024;

/**
 * The listener half of a DeviceLink, for its transports (socket-link.ts, serial-link.ts). Bytes that arrive before
 * the first data listener are held for it, so none are lost between a source's `onLink` and the gateway's
 * `onData`. The close is reported once, with the first reason given; a listener added after it hears it at once.
 */
export class LinkListeners {
  private readonly dataListeners: ((bytes: Uint8Array) => void)[] = [];
  private readonly closeListeners: ((reason: LinkCloseReason) => void)[] = [];
  private heldBytes: Uint8Array[] = [];
  private heldByteCount = 0;
  private closeReason: LinkCloseReason | undefined;

  get closed(): boolean {
    return this.closeReason !== undefined;
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.dataListeners.push(listener);
    if (this.dataListeners.length > 1) return;
    const held = this.heldBytes;
    this.heldBytes = [];
    this.heldByteCount = 0;
    for (const bytes of held) listener(bytes);
  }

  onClose(listener: (reason: LinkCloseReason) => void): void {
    if (this.closeReason !== undefined) listener(this.closeReason);
    else this.closeListeners.push(listener);
  }

  /** Bytes from the device; nothing once the link has closed. */
  data(bytes: Uint8Array): void {
    if (this.closeReason !== undefined || bytes.length === 0) return;
    if (this.dataListeners.length === 0 && this.heldByteCount + bytes.length <= MAX_HELD_BYTES) {
      this.heldBytes.push(bytes);
      this.heldByteCount += bytes.length;
    }
    for (const listener of this.dataListeners) listener(bytes);
  }

  /** Reports the close once; later calls change nothing. Returns whether this call closed it. */
  close(reason: LinkCloseReason): boolean {
    if (this.closeReason !== undefined) return false;
    this.closeReason = reason;
    this.heldBytes = [];
    this.heldByteCount = 0;
    const listeners = this.closeListeners.splice(0);
    for (const listener of listeners) listener(reason);
    return true;
  }
}
