// The firmware benchmark's Wasm side (docs/firmware.md, "Benchmark"): the drivers' own conversion code run in
// loops, one workload per command opcode. firmware/bench/workloads.c has the same algorithms in plain C; both
// return the same checksum, so the comparison is of equal work. Built with the release target, like apps.
import { crc8Word } from "../../drivers/sht31/convert";
import {
  Bme280Calibration,
  compensateHumidityQ22_10,
  compensatePressureQ24_8,
  compensateTFine,
  temperatureCentiCFromTFine,
} from "../../drivers/bme280/convert";

export const wasmote_abi_version: i32 = 0x00010000;

// Opcodes, restated in workloads.c.
const SHT31_CRC: u8 = 0x80;
const BME280_COMPENSATION: u8 = 0x81;
const FIR_FILTER: u8 = 0x82;
const UNSUPPORTED: i32 = 6;
const COMMAND_BYTES = 5;

/** Knuth's multiplicative hash constant: varies the inputs from one iteration to the next. */
const GOLDEN: u32 = 0x9e3779b1;
const FIR_TAPS = 16;
const FIR_MASK = FIR_TAPS - 1;

const COMMAND = memory.data(8);
const calibration = new Bme280Calibration();
// Static buffers, as C's are: their addresses are constants, so the engine's compiler can see that a masked index
// stays inside them (firmware/engine/wasm2c/overrides.h). FIR_TAPS elements each.
const firCoefficients: StaticArray<f32> = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const firHistory: StaticArray<f32> = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

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
    default: return UNSUPPORTED;
  }
  return checksum & 0x7fffffff;
}
