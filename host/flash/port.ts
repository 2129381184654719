/**
 * The boundary between the flasher and a serial line: the flasher speaks only to this interface. The real side is
 * `SerialBootloaderPort` (serial-port.ts, over @serialport/bindings-cpp); the mock side is `ScriptedPort`
 * (scripted-port.ts) for exact-transaction tests. The simulated bootloader uses the same interface on its end.
 */
export interface BootloaderPort {
  /** Hands bytes to the line. */
  write(bytes: Uint8Array): Promise<void>;
  /**
   * Exactly `length` bytes, or ReadTimeoutError when they have not all come within `timeoutMs`
   * (Infinity waits for ever). Bytes that did come stay buffered for the next read.
   *
   * `reply` goes onto the line the moment the read's first byte arrives, if that byte is `reply.onByte`, and
   * before the read resolves: where the port can, straight from the code that receives the byte, so the answer
   * (AN3155 §3: the next frame, once the ACK is in) does not wait for the reader to be resumed. Nothing is sent
   * on a timeout or any other byte.
   */
  read(length: number, timeoutMs: number, reply?: ReplyOnArrival): Promise<Uint8Array>;
  /** Drives the modem-control outputs; both are set on every call. */
  setSignals(signals: ModemSignals): Promise<void>;
  /** Discards anything received but not yet read. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface ReplyOnArrival {
  onByte: number;
  bytes: Uint8Array;
}

/** DTR and RTS as the OS sees them: `true` is asserted (most USB-serial chips then drive the pin low). */
export interface ModemSignals {
  dtr: boolean;
  rts: boolean;
}

/** USART framing: the STM32 bootloader uses 8 data bits, even parity, 1 stop bit (AN3155 §1). */
export type Parity = 'even' | 'none';

export interface PortOptions {
  path: string;
  baudRate: number;
  parity: Parity;
}

/** Bits on the wire per byte: start + 8 data + parity + stop (AN3155 §1: 8E1 gives 11). */
export function bitsPerByte(parity: Parity): number {
  const START_BITS = 1;
  const DATA_BITS = 8;
  const STOP_BITS = 1;
  const parityBits = parity === 'even' ? 1 : 0;
  return START_BITS + DATA_BITS + parityBits + STOP_BITS;
}

/** Milliseconds one byte occupies on the line. */
export function byteTimeMs(baudRate: number, parity: Parity): number {
  const MS_PER_S = 1000;
  return (bitsPerByte(parity) * MS_PER_S) / baudRate;
}
