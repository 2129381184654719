// Register-style helpers over the HAL's I2C transactions (docs/hal-abi.md §4.1). The bytes a helper sends are
// staged in one static buffer; received bytes land in the caller's buffer (a driver's own `memory.data`).
// Nothing here allocates.
import { i2c_read, i2c_write, i2c_write_read } from "./hal";

const TX_CAPACITY = 3;
const tx = memory.data(TX_CAPACITY);

/** One transaction: START, `register`, `value`, STOP. */
export function writeRegister8(address: i32, register: i32, value: i32): i32 {
  store<u8>(tx, <u8>register);
  store<u8>(tx, <u8>value, 1);
  return i2c_write(address, tx, 2);
}

/** One transaction: START, `register`, then `value` most significant byte first, STOP. */
export function writeRegister16BE(address: i32, register: i32, value: i32): i32 {
  store<u8>(tx, <u8>register);
  store<u8>(tx, <u8>(value >> 8), 1);
  store<u8>(tx, <u8>value, 2);
  return i2c_write(address, tx, 3);
}

/** One transaction: START, `register`, repeated START, `length` bytes into `destination`, STOP. */
export function readRegisters(address: i32, register: i32, destination: usize, length: i32): i32 {
  store<u8>(tx, <u8>register);
  return i2c_write_read(address, tx, 1, destination, length);
}

/** One transaction: START, a 16-bit command most significant byte first, STOP (Sensirion-style commands). */
export function writeCommand16(address: i32, command: i32): i32 {
  store<u8>(tx, <u8>(command >> 8));
  store<u8>(tx, <u8>command, 1);
  return i2c_write(address, tx, 2);
}

/** One transaction: START, `length` bytes into `destination`, STOP. */
export function readBytes(address: i32, destination: usize, length: i32): i32 {
  return i2c_read(address, destination, length);
}
