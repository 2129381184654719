import { BootloaderError, ReadTimeoutError } from '../errors.ts';
import type { BootloaderPort, ReplyOnArrival } from '../port.ts';
import { ACK, NACK, commandName } from './commands.ts';

/** One byte's worth of bits, and its mask. */
export const BYTE_MASK = 0xff;
export const BITS_PER_BYTE = 8;
const ADDRESS_BYTES = 4;

/** AN3155 §3 "Communication safety": the XOR of a block's bytes, sent after it. */
export function xorChecksum(bytes: Iterable<number>, seed = 0): number {
  let sum = seed;
  for (const byte of bytes) sum ^= byte;
  return sum & BYTE_MASK;
}

/** AN3155 §3: a command goes out as its code and the code's complement. */
export function commandFrame(code: number): Uint8Array {
  return Uint8Array.of(code, code ^ BYTE_MASK);
}

/** AN3155 §3.4: a 32-bit value, most significant byte first, then the XOR of the four bytes. */
export function wordFrame(value: number): Uint8Array {
  const frame = new Uint8Array(ADDRESS_BYTES + 1);
  for (let i = 0; i < ADDRESS_BYTES; i++) {
    frame[i] = (value >>> ((ADDRESS_BYTES - 1 - i) * BITS_PER_BYTE)) & BYTE_MASK;
  }
  frame[ADDRESS_BYTES] = xorChecksum(frame.subarray(0, ADDRESS_BYTES));
  return frame;
}

/** Reads `length` reply bytes, turning a silence into a BootloaderError that names the step. */
export async function readReply(
  port: BootloaderPort,
  length: number,
  timeoutMs: number,
  step: string,
  reply?: ReplyOnArrival,
): Promise<Uint8Array> {
  try {
    return await port.read(length, timeoutMs, reply);
  } catch (error) {
    if (error instanceof ReadTimeoutError) {
      throw new BootloaderError('timeout', step, `no answer within ${timeoutMs} ms`);
    }
    throw error;
  }
}

/**
 * Waits for ACK; NACK, silence and any other byte each become a BootloaderError. `next`, the frame that follows
 * the ACK (AN3155 §3: the host sends each part of a command once the last is acknowledged), goes out the moment
 * the ACK arrives, and only then.
 */
export async function expectAck(port: BootloaderPort, timeoutMs: number, step: string, next?: Uint8Array): Promise<void> {
  const [byte] = await readReply(port, 1, timeoutMs, step, next && { onByte: ACK, bytes: next });
  if (byte === ACK) return;
  if (byte === NACK) throw new BootloaderError('nack', step, 'the bootloader answered NACK');
  throw new BootloaderError('unexpected', step, `got 0x${byte!.toString(16).padStart(2, '0')} instead of ACK`);
}

/** Sends a command and waits for its first ACK (AN3155 §3: the bootloader NACKs commands it refuses). */
export async function sendCommand(port: BootloaderPort, code: number, timeoutMs: number): Promise<void> {
  await port.write(commandFrame(code));
  await expectAck(port, timeoutMs, commandName(code));
}
