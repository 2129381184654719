/** HELLO, type 0x01, device → edge (docs/link-protocol.md §4.1): who the device is and what it will report. */
import { type ByteReader, type ByteWriter, LinkFieldError } from './bytes.ts';
import { BootReason, type HelloMessage, type MetricDescriptor } from './messages.ts';

/** A SHA-256 digest (FIPS 180-4 §1). */
const APP_HASH_BYTES = 32;
const BOOT_REASON_MIN = BootReason.PowerOn;
const BOOT_REASON_MAX = BootReason.AppRestart;
/**
 * §4.1: device_id, firmware_version and app_version are at most 32 bytes each, so a HELLO with the largest
 * metric table hal-abi.md §4.6 allows (24 metrics, names ≤ 24 bytes, units ≤ 8 bytes) always fits.
 */
const IDENTITY_STR_MAX_BYTES = 32;

export function encodeHello(message: HelloMessage, writer: ByteWriter): void {
  writer.str(message.deviceId, 'device_id', IDENTITY_STR_MAX_BYTES);
  writer.str(message.firmwareVersion, 'firmware_version', IDENTITY_STR_MAX_BYTES);
  writer.str(message.appVersion, 'app_version', IDENTITY_STR_MAX_BYTES);
  if (message.appHash.length !== APP_HASH_BYTES) {
    throw new LinkFieldError('app_hash', `${message.appHash.length} bytes, must be ${APP_HASH_BYTES}`);
  }
  writer.bytesExact(message.appHash, 'app_hash');
  writer.u32(message.abiVersion, 'abi_version');
  writer.u8Within(message.bootReason, 'boot_reason', BOOT_REASON_MIN, BOOT_REASON_MAX);
  writer.u8(message.metrics.length, 'metric_count');
  message.metrics.forEach((metric, index) => {
    writer.u8(metric.id, `metrics[${index}].id`);
    writer.str(metric.name, `metrics[${index}].name`);
    writer.str(metric.unit, `metrics[${index}].unit`);
  });
}

export function decodeHello(reader: ByteReader): HelloMessage {
  const deviceId = reader.str('device_id', IDENTITY_STR_MAX_BYTES);
  const firmwareVersion = reader.str('firmware_version', IDENTITY_STR_MAX_BYTES);
  const appVersion = reader.str('app_version', IDENTITY_STR_MAX_BYTES);
  const appHash = reader.bytesExact('app_hash', APP_HASH_BYTES);
  const abiVersion = reader.u32('abi_version');
  const bootReason = reader.u8Within('boot_reason', BOOT_REASON_MIN, BOOT_REASON_MAX) as BootReason;
  const metricCount = reader.u8('metric_count');
  const metrics: MetricDescriptor[] = [];
  for (let index = 0; index < metricCount; index++) {
    metrics.push({
      id: reader.u8(`metrics[${index}].id`),
      name: reader.str(`metrics[${index}].name`),
      unit: reader.str(`metrics[${index}].unit`),
    });
  }
  return { type: 'hello', deviceId, firmwareVersion, appVersion, appHash, abiVersion, bootReason, metrics };
}
