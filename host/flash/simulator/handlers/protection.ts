import { ACK, NACK } from '../../protocol/commands.ts';
import { xorChecksum } from '../../protocol/frames.ts';
import { CONTINUE, RESET, type CommandHandler } from '../device-context.ts';

/** Option bytes are rewritten, then the chip resets (the host must synchronise again). */
const OPTION_BYTE_WRITE_MS = 20;

/** AN3155 §3.9 Write Protect: N, N + 1 sector numbers, XOR; ACK, then a reset. */
export const handleWriteProtect: CommandHandler = async ({ line, memory, timeScale }) => {
  await line.send([ACK]);
  const count = await line.readByte();
  const frame = await line.readBytes(count + 2);
  const sectors = [...frame.subarray(0, count + 1)];
  const known = sectors.every((index) => memory.flash.sectors.some((sector) => sector.index === index));
  if (xorChecksum(frame, count) !== 0 || !known) {
    await line.send([NACK]);
    return CONTINUE;
  }
  for (const index of sectors) memory.flash.writeProtected.add(index);
  line.busy(OPTION_BYTE_WRITE_MS * timeScale);
  await line.send([ACK]);
  return RESET;
};

/** AN3155 §3.10 Write Unprotect: ACK, protection of every sector removed, ACK, then a reset. */
export const handleWriteUnprotect: CommandHandler = async ({ line, memory, timeScale }) => {
  await line.send([ACK]);
  memory.flash.writeProtected.clear();
  line.busy(OPTION_BYTE_WRITE_MS * timeScale);
  await line.send([ACK]);
  return RESET;
};

/** AN3155 §3.11 Readout Protect: ACK, RDP level 1, ACK, then a reset. */
export const handleReadoutProtect: CommandHandler = async ({ line, protection, timeScale }) => {
  await line.send([ACK]);
  protection.readoutLevel = 1;
  line.busy(OPTION_BYTE_WRITE_MS * timeScale);
  await line.send([ACK]);
  return RESET;
};

/** AN3155 §3.12 Readout Unprotect: ACK, the whole flash mass erased, RDP level 0, ACK, then a reset. */
export const handleReadoutUnprotect: CommandHandler = async ({ line, memory, chip, protection, timeScale }) => {
  await line.send([ACK]);
  memory.flash.eraseAll();
  protection.readoutLevel = 0;
  line.busy((chip.timing.massEraseMs(memory.flash.flashBytes) + OPTION_BYTE_WRITE_MS) * timeScale);
  await line.send([ACK]);
  return RESET;
};
