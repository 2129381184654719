/**
 * PROXY_REQUEST, type 0x10, device → host (docs/link-protocol.md §4.9): in firmware-in-the-loop runs the
 * board's HAL tunnels each peripheral call to the host's virtual chips. The device's HAL has already checked
 * the arguments (hal-abi.md §4), so a value outside the ranges below is malformed.
 */
import { type ByteReader, type ByteWriter, LinkFieldError } from './bytes.ts';
import { ProxyOp, type ProxyOperation, type ProxyRequestMessage } from './messages.ts';

/** A 7-bit I2C address (UM10204 §3.1.10). */
const I2C_ADDRESS_MAX = 0x7f;
/** hal-abi.md §4.1: every length is 1..255. */
const I2C_LENGTH_MIN = 1;
const I2C_LENGTH_MAX = 255;
/** hal-abi.md §4.2: modes 0 input .. 3 input with pull-down; levels 0 low, 1 high. */
const GPIO_MODE_MAX = 3;
const GPIO_LEVEL_MAX = 1;

export function encodeProxyRequest(message: ProxyRequestMessage, writer: ByteWriter): void {
  writer.u16(message.requestId, 'request_id');
  writer.u64(message.timeUs, 'time_us');
  const operation = message.operation;
  switch (operation.op) {
    case 'i2c-write':
      writer.u8(ProxyOp.I2cWrite, 'op');
      writer.u8Within(operation.address, 'addr', 0, I2C_ADDRESS_MAX);
      writer.rest(operation.data, 'data', I2C_LENGTH_MIN, I2C_LENGTH_MAX);
      return;
    case 'i2c-read':
      writer.u8(ProxyOp.I2cRead, 'op');
      writer.u8Within(operation.address, 'addr', 0, I2C_ADDRESS_MAX);
      writer.u8Within(operation.readLength, 'read_len', I2C_LENGTH_MIN, I2C_LENGTH_MAX);
      return;
    case 'i2c-write-read':
      writer.u8(ProxyOp.I2cWriteRead, 'op');
      writer.u8Within(operation.address, 'addr', 0, I2C_ADDRESS_MAX);
      writer.u8Within(operation.readLength, 'read_len', I2C_LENGTH_MIN, I2C_LENGTH_MAX);
      writer.rest(operation.data, 'data', I2C_LENGTH_MIN, I2C_LENGTH_MAX);
      return;
    case 'gpio-mode':
      writer.u8(ProxyOp.GpioMode, 'op');
      writer.u8(operation.pin, 'pin');
      writer.u8Within(operation.mode, 'mode', 0, GPIO_MODE_MAX);
      return;
    case 'gpio-write':
      writer.u8(ProxyOp.GpioWrite, 'op');
      writer.u8(operation.pin, 'pin');
      writer.u8Within(operation.level, 'level', 0, GPIO_LEVEL_MAX);
      return;
    case 'gpio-read':
      writer.u8(ProxyOp.GpioRead, 'op');
      writer.u8(operation.pin, 'pin');
      return;
    case 'pwm-set':
      writer.u8(ProxyOp.PwmSet, 'op');
      writer.u8(operation.channel, 'channel');
      writer.u16(operation.dutyU16, 'duty');
      return;
    default:
      throw new LinkFieldError('op', `${JSON.stringify((operation as { op: unknown }).op)} is not a proxy operation`);
  }
}

export function decodeProxyRequest(reader: ByteReader): ProxyRequestMessage {
  const requestId = reader.u16('request_id');
  const timeUs = reader.u64('time_us');
  const operation = decodeOperation(reader);
  return { type: 'proxy-request', requestId, timeUs, operation };
}

function decodeOperation(reader: ByteReader): ProxyOperation {
  const op = reader.u8('op');
  switch (op) {
    case ProxyOp.I2cWrite: {
      const address = reader.u8Within('addr', 0, I2C_ADDRESS_MAX);
      const data = reader.rest('data', I2C_LENGTH_MIN, I2C_LENGTH_MAX);
      return { op: 'i2c-write', address, data };
    }
    case ProxyOp.I2cRead: {
      const address = reader.u8Within('addr', 0, I2C_ADDRESS_MAX);
      const readLength = reader.u8Within('read_len', I2C_LENGTH_MIN, I2C_LENGTH_MAX);
      return { op: 'i2c-read', address, readLength };
    }
    case ProxyOp.I2cWriteRead: {
      const address = reader.u8Within('addr', 0, I2C_ADDRESS_MAX);
      const readLength = reader.u8Within('read_len', I2C_LENGTH_MIN, I2C_LENGTH_MAX);
      const data = reader.rest('data', I2C_LENGTH_MIN, I2C_LENGTH_MAX);
      return { op: 'i2c-write-read', address, data, readLength };
    }
    case ProxyOp.GpioMode: {
      const pin = reader.u8('pin');
      const mode = reader.u8Within('mode', 0, GPIO_MODE_MAX);
      return { op: 'gpio-mode', pin, mode };
    }
    case ProxyOp.GpioWrite: {
      const pin = reader.u8('pin');
      const level = reader.u8Within('level', 0, GPIO_LEVEL_MAX);
      return { op: 'gpio-write', pin, level };
    }
    case ProxyOp.GpioRead:
      return { op: 'gpio-read', pin: reader.u8('pin') };
    case ProxyOp.PwmSet: {
      const channel = reader.u8('channel');
      const dutyU16 = reader.u16('duty');
      return { op: 'pwm-set', channel, dutyU16 };
    }
    default:
      throw new LinkFieldError('op', `${op} is not a proxy operation`);
  }
}
