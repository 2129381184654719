import { ACK, ERASE_GLOBAL, EXTENDED_ERASE_FIRST_SPECIAL, ExtendedEraseSpecial, NACK } from '../../protocol/commands.ts';
import { BITS_PER_BYTE, BYTE_MASK, xorChecksum } from '../../protocol/frames.ts';
import { CONTINUE, type CommandHandler, type DeviceContext } from '../device-context.ts';


function eraseMs(context: DeviceContext, indexes: number[]): number {
  const { flash } = context.memory;
  return indexes.reduce((sum, index) => {
    const sector = flash.sectors.find((candidate) => candidate.index === index);
    return sum + (sector ? context.chip.timing.eraseMs(sector.bytes) : 0);
  }, 0) * context.timeScale;
}

async function massErase(context: DeviceContext): Promise<void> {
  const result = context.memory.flash.massErase();
  context.line.busy(context.chip.timing.massEraseMs(context.memory.flash.flashBytes) * context.timeScale);
  await context.line.send([result === 'ok' ? ACK : NACK]);
}

async function erasePages(context: DeviceContext, indexes: number[]): Promise<void> {
  const result = context.memory.flash.eraseSectors(indexes);
  if (result === 'ok') context.line.busy(eraseMs(context, indexes));
  await context.line.send([result === 'ok' ? ACK : NACK]);
}

/** AN3155 §3.7 Erase: 0xFF + 0x00 erases everything; else N, N + 1 page numbers, XOR. */
export const handleErase: CommandHandler = async (context) => {
  const { line } = context;
  await line.send([ACK]);
  const count = await line.readByte();
  if (count === ERASE_GLOBAL) {
    const complement = await line.readByte();
    if ((count ^ complement) !== BYTE_MASK) await line.send([NACK]);
    else await massErase(context);
    return CONTINUE;
  }
  const frame = await line.readBytes(count + 2);
  if (xorChecksum(frame, count) !== 0) {
    await line.send([NACK]);
    return CONTINUE;
  }
  await erasePages(context, [...frame.subarray(0, count + 1)]);
  return CONTINUE;
};

/**
 * AN3155 §3.8 Extended Erase: a two-byte count N, then either a checksum (special codes: 0xFFFF mass erase;
 * the bank erases 0xFFFE and 0xFFFD are NACKed, as on single-bank parts) or N + 1 two-byte page numbers and the
 * XOR of everything.
 */
export const handleExtendedErase: CommandHandler = async (context) => {
  const { line } = context;
  await line.send([ACK]);
  const head = await line.readBytes(2);
  const count = (head[0]! << BITS_PER_BYTE) | head[1]!;
  if (count >= EXTENDED_ERASE_FIRST_SPECIAL) {
    const checksum = await line.readByte();
    if (xorChecksum(head) !== checksum || count !== ExtendedEraseSpecial.Mass) await line.send([NACK]);
    else await massErase(context);
    return CONTINUE;
  }
  const body = await line.readBytes(2 * (count + 1) + 1);
  if (xorChecksum(body, xorChecksum(head)) !== 0) {
    await line.send([NACK]);
    return CONTINUE;
  }
  const indexes = Array.from({ length: count + 1 }, (_, i) => (body[2 * i]! << BITS_PER_BYTE) | body[2 * i + 1]!);
  await erasePages(context, indexes);
  return CONTINUE;
};
