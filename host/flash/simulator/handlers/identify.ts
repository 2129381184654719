import { ACK } from '../../protocol/commands.ts';
import { CONTINUE, type CommandHandler } from '../device-context.ts';
import { BYTE_MASK, BITS_PER_BYTE } from '../../protocol/frames.ts';

/** AN3155 §3.2: option bytes 0x00 0x00 "to keep compatibility with the generic bootloader protocol". */
const GET_VERSION_OPTION_BYTES = [0x00, 0x00];
/** AN3155 §3.3: N = 1, the product ID is two bytes. */
const PRODUCT_ID_COUNT = 1;

/** AN3155 §3.1 Get: ACK, N (the version and the codes that follow, less one), version, codes, ACK. */
export const handleGet: CommandHandler = async ({ line, chip, commands }) => {
  await line.send([ACK, commands.length, chip.bootloader.version, ...commands, ACK]);
  return CONTINUE;
};

/** AN3155 §3.2 Get Version: ACK, version, two option bytes, ACK. */
export const handleGetVersion: CommandHandler = async ({ line, chip }) => {
  await line.send([ACK, chip.bootloader.version, ...GET_VERSION_OPTION_BYTES, ACK]);
  return CONTINUE;
};

/** AN3155 §3.3 Get ID: ACK, N = 1, product ID most significant byte first, ACK. */
export const handleGetId: CommandHandler = async ({ line, chip }) => {
  await line.send([ACK, PRODUCT_ID_COUNT, (chip.productId >>> BITS_PER_BYTE) & BYTE_MASK, chip.productId & BYTE_MASK, ACK]);
  return CONTINUE;
};
