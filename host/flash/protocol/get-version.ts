import { Command } from './commands.ts';
import { expectAck, readReply, sendCommand } from './frames.ts';
import type { BootloaderPort } from '../port.ts';
import type { Timeouts } from './timeouts.ts';

export interface VersionReply {
  version: number;
  /** Two option bytes; AN3155 §3.2: 0x00 0x00 for compatibility with the generic protocol. */
  optionBytes: [number, number];
}

const REPLY_BYTES = 3;

/** AN3155 §3.2 Get Version: ACK, version, option byte 1, option byte 2, ACK. */
export async function getVersion(port: BootloaderPort, timeouts: Timeouts): Promise<VersionReply> {
  await sendCommand(port, Command.GetVersion, timeouts.replyMs);
  const reply = await readReply(port, REPLY_BYTES, timeouts.replyMs, 'Get Version');
  await expectAck(port, timeouts.replyMs, 'Get Version end');
  return { version: reply[0]!, optionBytes: [reply[1]!, reply[2]!] };
}
