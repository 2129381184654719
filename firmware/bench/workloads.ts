// The firmware benchmark's Wasm side (docs/firmware.md, "Benchmark"): the drivers' own conversion code run in
// loops, one workload per command opcode. firmware/bench/workloads.c has the same algorithms in plain C; both
// return the same checksum, so the comparison is of equal work. Built with the release target, like apps.
import { crc8Word, humidityPercentFromRaw, temperatureCFromRaw as sht31TemperatureC } from "../../drivers/sht31/convert";
import {
  Bme280Calibration,
  compensateHumidityQ22_10,
  compensatePressureQ24_8,
  compensateTFine,
  humidityPercentFromQ22_10,
  pressurePaFromQ24_8,
  temperatureCentiCFromTFine,
  temperatureCFromCentiC,
} from "../../drivers/bme280/convert";
import { temperatureCFromRegister } from "../../drivers/tmp102/convert";
import { accelMps2FromRaw, gyroRadPerSFromRaw, temperatureCFromRaw as mpuTemperatureC } from "../../drivers/mpu6050/convert";

export const wasmote_abi_version: i32 = 0x00010000;

// Opcodes, restated in workloads.c.
const SHT31_CRC: u8 = 0x80;
const BME280_COMPENSATION: u8 = 0x81;
const FIR_FILTER: u8 = 0x82;
const SENSOR_NODE_TICK: u8 = 0x83;
const UNSUPPORTED: i32 = 6;
const COMMAND_BYTES = 5;

/** Knuth's multiplicative hash constant: varies the inputs from one iteration to the next. */
const GOLDEN: u32 = 0x9e3779b1;
const FIR_TAPS = 16;
const FIR_MASK = FIR_TAPS - 1;
/** ±4 g and ±500 °/s, sensor-node's ranges (AFS_SEL 1, FS_SEL 1). */
const ACCEL_RANGE = 1;
const GYRO_RANGE = 1;

const COMMAND = memory.data(8);
const calibration = new Bme280Calibration();
const firCoefficients = new StaticArray<f32>(FIR_TAPS);
const firHistory = new StaticArray<f32>(FIR_TAPS);

/** Folds an f64's bits into a checksum. */
function fold(checksum: i32, value: f64): i32 {
  const bits = reinterpret<i64>(value);
  return checksum ^ <i32>bits ^ <i32>(bits >>> 32);
}

function sht31Crc(iterations: i32): i32 {
  let checksum = 0;
  for (let i = 0; i < iterations; i++) checksum = (checksum << 1) ^ crc8Word(<i32>((<u32>i * GOLDEN) >>> 16));
  return checksum;
}

function bme280Compensation(iterations: i32): i32 {
  let checksum = 0;
  for (let i = 0; i < iterations; i++) {
    const spread = <i32>((<u32>i * GOLDEN) >>> 20);
    const tFine = compensateTFine(519888 + spread, calibration);
    checksum ^= temperatureCentiCFromTFine(tFine);
    checksum ^= <i32>compensatePressureQ24_8(415148 + spread, tFine, calibration);
    checksum ^= <i32>compensateHumidityQ22_10(30000 + spread, tFine, calibration);
  }
  return checksum;
}

function firFilter(iterations: i32): i32 {
  let checksum = 0;
  for (let i = 0; i < iterations; i++) {
    unchecked((firHistory[i & FIR_MASK] = <f32>((<u32>i * GOLDEN) >>> 16) * 0.001));
    let y: f32 = 0;
    for (let k = 0; k < FIR_TAPS; k++) y += unchecked(firCoefficients[k]) * unchecked(firHistory[(i - k) & FIR_MASK]);
    checksum ^= reinterpret<i32>(y);
  }
  return checksum;
}

/** One sensor-node reading's arithmetic, on raw register values: every conversion of its four sensors. */
function sensorNodeTick(iterations: i32): i32 {
  let checksum = 0;
  for (let i = 0; i < iterations; i++) {
    const raw = <i32>((<u32>i * GOLDEN) >>> 16);
    let sum = temperatureCFromRegister(raw & 0xfff0);
    if (crc8Word(raw) == crc8Word(raw ^ 1)) sum += 1;
    sum += sht31TemperatureC(raw) + humidityPercentFromRaw(raw ^ 0x5555);
    const tFine = compensateTFine(519888 + (raw >> 4), calibration);
    sum += temperatureCFromCentiC(temperatureCentiCFromTFine(tFine));
    sum += pressurePaFromQ24_8(compensatePressureQ24_8(415148 + (raw >> 4), tFine, calibration));
    sum += humidityPercentFromQ22_10(compensateHumidityQ22_10(30000 + (raw >> 4), tFine, calibration));
    const signed = (raw << 16) >> 16;
    for (let axis = 0; axis < 3; axis++) {
      sum += accelMps2FromRaw(signed + axis, ACCEL_RANGE) + gyroRadPerSFromRaw(signed - axis, GYRO_RANGE);
    }
    sum += mpuTemperatureC(signed);
    checksum = fold(checksum, sum);
  }
  return checksum;
}

export function init(): void {
  // The datasheet's example trimming values (BST-BME280-DS002 §8.1's worked example, and typical H values).
  calibration.digT1 = 27504;
  calibration.digT2 = 26435;
  calibration.digT3 = -1000;
  calibration.digP1 = 36477;
  calibration.digP2 = -10685;
  calibration.digP3 = 3024;
  calibration.digP4 = 2855;
  calibration.digP5 = 140;
  calibration.digP6 = -7;
  calibration.digP7 = 15500;
  calibration.digP8 = -14600;
  calibration.digP9 = 6000;
  calibration.digH1 = 75;
  calibration.digH2 = 362;
  calibration.digH3 = 0;
  calibration.digH4 = 324;
  calibration.digH5 = 0;
  calibration.digH6 = 30;
  for (let k = 0; k < FIR_TAPS; k++) unchecked((firCoefficients[k] = <f32>(k + 1) / <f32>136));
}

export function tick(nowMs: u64): u32 {
  return 0xffffffff;
}

export function command_buffer(len: u32): usize {
  return len == COMMAND_BYTES ? COMMAND : 0;
}

/** `opcode`, then the iterations as a little-endian u32; returns the workload's checksum, non-negative. */
export function command(ptr: usize, len: u32): i32 {
  const iterations = load<i32>(ptr, 1);
  let checksum: i32;
  switch (load<u8>(ptr)) {
    case SHT31_CRC: checksum = sht31Crc(iterations); break;
    case BME280_COMPENSATION: checksum = bme280Compensation(iterations); break;
    case FIR_FILTER: checksum = firFilter(iterations); break;
    case SENSOR_NODE_TICK: checksum = sensorNodeTick(iterations); break;
    default: return UNSUPPORTED;
  }
  return checksum & 0x7fffffff;
}
