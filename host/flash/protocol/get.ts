import { Command } from './commands.ts';
import { expectAck, readReply, sendCommand } from './frames.ts';
import type { BootloaderPort } from '../port.ts';
import type { Timeouts } from './timeouts.ts';

export interface GetReply {
  /** Bootloader protocol version, 0x31 = 3.1. */
  version: number;
  /** The command codes this bootloader accepts. */
  commands: number[];
}

/** AN3155 §3.1 Get: ACK, N (bytes to follow - 1), version, N command codes, ACK. */
export async function get(port: BootloaderPort, timeouts: Timeouts): Promise<GetReply> {
  await sendCommand(port, Command.Get, timeouts.replyMs);
  const [count] = await readReply(port, 1, timeouts.replyMs, 'Get length');
  const body = await readReply(port, count! + 1, timeouts.replyMs, 'Get');
  await expectAck(port, timeouts.replyMs, 'Get end');
  return { version: body[0]!, commands: [...body.subarray(1)] };
}
