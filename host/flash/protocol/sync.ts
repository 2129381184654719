import { BootloaderError, ReadTimeoutError } from '../errors.ts';
import type { BootloaderPort } from '../port.ts';
import { ACK, MAX_TRANSFER_BYTES, NACK, SYNC_BYTE } from './commands.ts';
import type { Timeouts } from './timeouts.ts';

/**
 * The largest burst of 0x7F sent while filling a half-received frame: more than the longest frame the bootloader
 * can be waiting for (AN3155 §3.6: N, 256 data bytes and a checksum).
 */
const MAX_FILL_BURST = 2 * MAX_TRANSFER_BYTES;
/**
 * What fills a half-received frame. It must not complete a frame validly: four equal non-zero bytes XOR to 0,
 * never to a fifth non-zero one (address frames); N = 0x7E with 127 copies XORs to 0, not to 0x7E (Write
 * Memory, Erase and Write Protect frames); a pair is never a code and its complement (0x7E 0x7E), nor completes
 * one with a pending byte (0x81 is no command). 0x7F itself fails the second rule: N = 0x7F with 128 copies
 * would program 0x7F bytes.
 */
const FILL_BYTE = 0x7e;
/** Rounds of the whole procedure before giving up. */
const SYNC_ROUNDS = 3;

/**
 * Brings the bootloader to its command loop, idle, whatever state it is in.
 *
 * AN3155 §1: after reset the bootloader waits for 0x7F and answers ACK. A bootloader already past that point
 * takes 0x7F as the first byte of a command, and NACKs the pair 0x7F 0x7F (not a code and its complement); one
 * left in the middle of a frame (an interrupted flash) swallows bytes until the frame is complete, then answers.
 * So: wait for the line to go quiet (late answers to an exchange that failed), send 0x7F; ACK means a fresh
 * bootloader and NACK one that was waiting for a command's second byte. Otherwise send growing bursts of a fill
 * byte until anything answers, let the answers settle, and end on a probe that leaves the command loop idle.
 */
export async function sync(port: BootloaderPort, timeouts: Timeouts): Promise<void> {
  for (let round = 0; round < SYNC_ROUNDS; round++) {
    await settle(port, timeouts);
    await port.write(Uint8Array.of(SYNC_BYTE));
    const first = await readByte(port, timeouts.syncProbeMs);
    if (first === ACK || first === NACK) return;
    if (first === undefined && !(await fillUntilAnswer(port, timeouts))) continue;
    await settle(port, timeouts);
    if (await probeIdle(port, timeouts)) return;
  }
  throw new BootloaderError(
    'timeout',
    'sync',
    'the bootloader does not answer 0x7F: check that BOOT0 is high and the chip was reset, TX/RX are crossed, and the baud rate',
  );
}

async function readByte(port: BootloaderPort, timeoutMs: number): Promise<number | undefined> {
  try {
    return (await port.read(1, timeoutMs))[0];
  } catch (error) {
    if (error instanceof ReadTimeoutError) return undefined;
    throw error;
  }
}

/** Sends bursts of 2, 4, ... fill bytes until any byte comes back; false if nothing ever does. */
async function fillUntilAnswer(port: BootloaderPort, timeouts: Timeouts): Promise<boolean> {
  for (let burst = 2; burst <= MAX_FILL_BURST; burst *= 2) {
    await port.write(new Uint8Array(burst).fill(FILL_BYTE));
    if ((await readByte(port, timeouts.syncProbeMs)) !== undefined) return true;
  }
  return false;
}

/** Waits until nothing arrives for one probe time, then drops whatever came. */
async function settle(port: BootloaderPort, timeouts: Timeouts): Promise<void> {
  while ((await readByte(port, timeouts.syncProbeMs)) !== undefined);
  await port.flush();
}

/**
 * The command loop is now idle or holds one pending byte. One more 0x7F gets a NACK in the second case; in the
 * first it becomes the pending byte, and a second 0x7F gets the NACK.
 */
async function probeIdle(port: BootloaderPort, timeouts: Timeouts): Promise<boolean> {
  for (let probe = 0; probe < 2; probe++) {
    await port.write(Uint8Array.of(SYNC_BYTE));
    const answer = await readByte(port, timeouts.syncProbeMs);
    if (answer === NACK) return true;
    if (answer !== undefined) return false;
  }
  return false;
}
