import { BootloaderError } from '../errors.ts';
import { Command } from './commands.ts';
import { BITS_PER_BYTE, expectAck, readReply, sendCommand } from './frames.ts';
import type { BootloaderPort } from '../port.ts';
import type { Timeouts } from './timeouts.ts';

/** AN3155 §3.3: the product ID is two bytes (N = 1), most significant first. */
const PRODUCT_ID_BYTES = 2;

/** AN3155 §3.3 Get ID: ACK, N, N + 1 bytes of product ID, ACK. */
export async function getId(port: BootloaderPort, timeouts: Timeouts): Promise<number> {
  await sendCommand(port, Command.GetId, timeouts.replyMs);
  const [count] = await readReply(port, 1, timeouts.replyMs, 'Get ID length');
  const id = await readReply(port, count! + 1, timeouts.replyMs, 'Get ID');
  await expectAck(port, timeouts.replyMs, 'Get ID end');
  if (id.length !== PRODUCT_ID_BYTES) {
    throw new BootloaderError('unexpected', 'Get ID', `a ${id.length}-byte product ID (AN3155 gives 2)`);
  }
  return (id[0]! << BITS_PER_BYTE) | id[1]!;
}
