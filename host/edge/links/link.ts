/** One device's byte stream to and from the edge: link frames (docs/link-protocol.md §2) both ways. */
export interface DeviceLink {
  readonly name: string;
  write(bytes: Uint8Array): void;
  onData(listener: (bytes: Uint8Array) => void): void;
  onClose(listener: (reason: 'unplugged' | 'closed' | 'error') => void): void;
  /**
   * Flow control (docs/edge.md, "Backpressure"): the link stops reading until resume(), and the transport holds
   * what the device sends meanwhile (TCP's window; a UART's driver buffer). A link without it is never paused.
   */
  pause?(): void;
  resume?(): void;
  close(): Promise<void>;
}
/** Where device links come from: a TCP listener, the serial ports, an in-process simulated fleet. */
export interface LinkSource { readonly name: string; start(onLink: (link: DeviceLink) => void): Promise<void>; stop(): Promise<void>; }
