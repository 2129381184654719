import { ACK, NACK, WRITE_ALIGNMENT_BYTES } from '../../protocol/commands.ts';
import { BYTE_MASK, xorChecksum } from '../../protocol/frames.ts';
import { CONTINUE, programMs, receiveAddress, type CommandHandler } from '../device-context.ts';

/** AN3155 §3.4 Read Memory: address (NACK if unreadable), N - 1 and complement (NACK if wrong), N bytes. */
export const handleReadMemory: CommandHandler = async ({ line, memory }) => {
  await line.send([ACK]);
  const address = await receiveAddress(line);
  if (address === undefined || !memory.readable(address)) {
    await line.send([NACK]);
    return CONTINUE;
  }
  await line.send([ACK]);
  const [count, complement] = await line.readBytes(2);
  const data = memory.read(address, count! + 1);
  if ((count! ^ complement!) !== BYTE_MASK || data === undefined) {
    await line.send([NACK]);
    return CONTINUE;
  }
  await line.send([ACK, ...data]);
  return CONTINUE;
};

/**
 * AN3155 §3.6 Write Memory: address (NACK unless writable and word-aligned), N - 1, N bytes, XOR; the bytes are
 * programmed before the final ACK, which becomes a NACK when programming fails (protected or not erased).
 */
export const handleWriteMemory: CommandHandler = async (context) => {
  const { line, memory } = context;
  await line.send([ACK]);
  const address = await receiveAddress(line);
  if (address === undefined || !memory.writable(address) || address % WRITE_ALIGNMENT_BYTES !== 0) {
    await line.send([NACK]);
    return CONTINUE;
  }
  await line.send([ACK]);
  const count = await line.readByte();
  const frame = await line.readBytes(count + 2);
  const data = frame.subarray(0, count + 1);
  if (xorChecksum(frame, count) !== 0 || data.length % WRITE_ALIGNMENT_BYTES !== 0) {
    await line.send([NACK]);
    return CONTINUE;
  }
  const result = memory.write(address, data);
  if (memory.flash.contains(address)) line.busy(programMs(context, data.length));
  await line.send([result === 'ok' ? ACK : NACK]);
  return CONTINUE;
};

/** AN3155 §3.5 Go: address (NACK unless flash or RAM), ACK, then the bootloader leaves. */
export const handleGo: CommandHandler = async ({ line, memory }) => {
  await line.send([ACK]);
  const address = await receiveAddress(line);
  if (address === undefined || !memory.writable(address)) {
    await line.send([NACK]);
    return CONTINUE;
  }
  await line.send([ACK]);
  return { next: 'run', address };
};
