import { HalStatus } from '../../abi/status.ts';
import type { I2cTarget } from '../i2c-target.ts';
import { STANDARD_GRAVITY_MPS2, type PhysicalEnvironment, type Vector3 } from '../physics.ts';
import { roundAndClamp, storeU16Be, toTwosComplement } from './bits.ts';
import { SensorNoise } from './sensor-noise.ts';

// Datasheet facts: InvenSense RM-MPU-6000A-00 rev 4.2 (register map, "RM §") and PS-MPU-6000A-00 rev 3.4
// (product specification, "PS §").

/** PS §9 (slave address b110100X, bit 0 set by AD0), RM §4.32: AD0 low → 0x68, high → 0x69. */
export const MPU6050_DEFAULT_ADDRESS = 0x68;
const MPU6050_ADDRESSES: readonly number[] = [0x68, 0x69];

/** RM §3 register map. */
const SELF_TEST_X = 0x0d; // RM §4.1: SELF_TEST_X, _Y, _Z, _A at 0x0D..0x10
const SELF_TEST_A = 0x10;
const SMPLRT_DIV = 0x19; // RM §4.2
const CONFIG = 0x1a; // RM §4.3
const GYRO_CONFIG = 0x1b; // RM §4.4
const ACCEL_CONFIG = 0x1c; // RM §4.5
const MOT_THR = 0x1f; // RM rev 4.0 §4.6 (dropped from the rev 4.2 map, present on the silicon)
const FIFO_EN = 0x23; // RM §4.6
// 0x24 I2C_MST_CTRL (RM §4.7), then I2C_SLV0..4 control (RM §4.8..§4.12) up to I2C_SLV4_DI.
const I2C_SLV4_DI = 0x35; // RM §4.12, read-only
const I2C_MST_STATUS = 0x36; // RM §4.13, read-only
const INT_PIN_CFG = 0x37; // RM §4.14
const INT_ENABLE = 0x38; // RM §4.15
const INT_STATUS = 0x3a; // RM §4.16, read-only
const ACCEL_XOUT_H = 0x3b; // RM §4.17..§4.19: ACCEL_XOUT_H..GYRO_ZOUT_L at 0x3B..0x48, big-endian
const TEMP_OUT_H = 0x41;
const GYRO_XOUT_H = 0x43;
const GYRO_ZOUT_L = 0x48;
const EXT_SENS_DATA_00 = 0x49; // RM §4.20: EXT_SENS_DATA_00..23, read-only
const EXT_SENS_DATA_23 = 0x60;
const I2C_SLV0_DO = 0x63; // RM §4.21..§4.24: I2C_SLV0_DO..I2C_SLV3_DO at 0x63..0x66
const I2C_MST_DELAY_CTRL = 0x67; // RM §4.25
const SIGNAL_PATH_RESET = 0x68; // RM §4.26
const USER_CTRL = 0x6a; // RM §4.27
const PWR_MGMT_1 = 0x6b; // RM §4.28
const PWR_MGMT_2 = 0x6c; // RM §4.29
const FIFO_COUNTH = 0x72; // RM §4.30
const FIFO_COUNTL = 0x73;
const FIFO_R_W = 0x74; // RM §4.31
const WHO_AM_I = 0x75; // RM §4.32

const REGISTER_SPACE = 0x80;
const MAPPED_RANGES: readonly (readonly [number, number])[] = [
  [SELF_TEST_X, SELF_TEST_A],
  [SMPLRT_DIV, ACCEL_CONFIG],
  [MOT_THR, MOT_THR],
  [FIFO_EN, I2C_SLV4_DI], // FIFO_EN, I2C_MST_CTRL, I2C_SLV0..4
  [I2C_MST_STATUS, INT_ENABLE],
  [INT_STATUS, GYRO_ZOUT_L],
  [EXT_SENS_DATA_00, EXT_SENS_DATA_23],
  [I2C_SLV0_DO, I2C_MST_DELAY_CTRL],
  [SIGNAL_PATH_RESET, SIGNAL_PATH_RESET],
  [USER_CTRL, PWR_MGMT_2],
  [FIFO_COUNTH, WHO_AM_I],
];
const READ_ONLY_RANGES: readonly (readonly [number, number])[] = [
  [I2C_SLV4_DI, I2C_MST_STATUS],
  [INT_STATUS, EXT_SENS_DATA_23],
  [FIFO_COUNTH, FIFO_COUNTL],
  [WHO_AM_I, WHO_AM_I],
];

/** RM §3: "The reset value is 0x00 for all registers other than" PWR_MGMT_1 (0x40) and WHO_AM_I (0x68). */
const PWR_MGMT_1_RESET = 0x40;
const WHO_AM_I_VALUE = 0x68;

/** RM §4.3: DLPF_CFG[2:0]; 0 and 7 leave the gyroscope output at 8 kHz, the others at 1 kHz. */
const DLPF_CFG_MASK = 0b111;
const GYRO_OUTPUT_PERIOD_FAST_US = 125;
const GYRO_OUTPUT_PERIOD_US = 1_000;
/** RM §4.2: the accelerometer output rate is 1 kHz. */
const ACCEL_OUTPUT_PERIOD_US = 1_000;
/** RM §4.4/§4.5: FS_SEL and AFS_SEL in bits 4:3. */
const FULL_SCALE_SHIFT = 3;
const FULL_SCALE_MASK = 0b11;
/** PS §6.1: gyroscope sensitivity for FS_SEL 0..3 (±250, ±500, ±1000, ±2000 °/s), LSB per °/s. */
const GYRO_LSB_PER_DPS: readonly number[] = [131, 65.5, 32.8, 16.4];
/** PS §6.2: accelerometer sensitivity for AFS_SEL 0..3 (±2, ±4, ±8, ±16 g), LSB per g. */
const ACCEL_LSB_PER_G: readonly number[] = [16384, 8192, 4096, 2048];
/** RM §4.18: temperature in °C = TEMP_OUT/340 + 36.53. */
const TEMP_LSB_PER_C = 340;
const TEMP_OFFSET_C = 36.53;
const INT16_MIN = -0x8000;
const INT16_MAX = 0x7fff;

/** RM §4.6: FIFO_EN bits; data enter the FIFO in register order (RM §4.31). */
const TEMP_FIFO_EN = 1 << 7;
const XG_FIFO_EN = 1 << 6;
const YG_FIFO_EN = 1 << 5;
const ZG_FIFO_EN = 1 << 4;
const ACCEL_FIFO_EN = 1 << 3;
/** PS §7.17: a 1024-byte FIFO. RM §4.31: on overflow the oldest data are lost. */
const FIFO_CAPACITY = 1024;

/** RM §4.14: INT_RD_CLEAR — 1 clears the interrupt status bits on any read, 0 only on reading INT_STATUS. */
const INT_RD_CLEAR = 1 << 4;
/** RM §4.15/§4.16: enable and status bits share positions. */
const FIFO_OFLOW_INT = 1 << 4;
const DATA_RDY_INT = 1 << 0;

/** RM §4.27: USER_CTRL. */
const USER_CTRL_FIFO_EN = 1 << 6;
const USER_CTRL_FIFO_RESET = 1 << 2;
const USER_CTRL_I2C_MST_RESET = 1 << 1;
const USER_CTRL_SIG_COND_RESET = 1 << 0;
const USER_CTRL_SELF_CLEARING = USER_CTRL_FIFO_RESET | USER_CTRL_I2C_MST_RESET | USER_CTRL_SIG_COND_RESET;

/** RM §4.28: PWR_MGMT_1. */
const DEVICE_RESET = 1 << 7;
const SLEEP = 1 << 6;
const CYCLE = 1 << 5;
const TEMP_DIS = 1 << 3;
/** RM §4.29: PWR_MGMT_2 = LP_WAKE_CTRL[7:6] STBY_XA YA ZA XG YG ZG. */
const LP_WAKE_CTRL_SHIFT = 6;
const LP_WAKE_PERIOD_US: readonly number[] = [800_000, 200_000, 50_000, 25_000]; // 1.25, 5, 20, 40 Hz
const STBY_XA = 1 << 5;
const STBY_YA = 1 << 4;
const STBY_ZA = 1 << 3;
const STBY_XG = 1 << 2;
const STBY_YG = 1 << 1;
const STBY_ZG = 1 << 0;

/** Each axis: its name in Vector3, its standby bit, its register pair's offset from the X pair. */
const ACCEL_AXES = [
  ['x', STBY_XA, 0],
  ['y', STBY_YA, 2],
  ['z', STBY_ZA, 4],
] as const;
const GYRO_AXES = [
  ['x', STBY_XG, 0],
  ['y', STBY_YG, 2],
  ['z', STBY_ZG, 4],
] as const;

const RAD_TO_DEG = 180 / Math.PI;
const ZERO_VECTOR: Vector3 = { x: 0, y: 0, z: 0 };

export interface Mpu6050Options {
  /** 0x68 (default) or 0x69. */
  address?: number;
  environment: PhysicalEnvironment;
  /** Zero-offset errors added to every sample. */
  accelerometerBiasMps2?: Vector3;
  gyroscopeBiasRadps?: Vector3;
  temperatureOffsetC?: number;
  /** Seeded Gaussian noise per axis: standard deviations in m/s², rad/s and °C. */
  noise?: { seed: number; accelerationMps2?: number; angularRateRadps?: number; temperatureC?: number };
}

/**
 * A virtual InvenSense MPU-6050 accelerometer and gyroscope.
 *
 * Bus face: the RM §3 register map with auto-increment on burst reads and writes (FIFO_R_W does not increment,
 * each byte pops the FIFO); a register address outside the map is NACKed, writes to read-only registers are
 * ignored. Physics face: while awake the sensor registers are refreshed at the sample rate (RM §4.2,
 * 8 kHz or 1 kHz / (1 + SMPLRT_DIV)), or at LP_WAKE_CTRL in cycle mode (accelerometer and temperature only),
 * from the environment at each sample time; asleep they hold their last values (zeros after reset).
 */
export class Mpu6050 implements I2cTarget {
  readonly address: number;
  private readonly environment: PhysicalEnvironment;
  private readonly noise: SensorNoise;
  private readonly noiseStddev: { accelerationMps2?: number; angularRateRadps?: number; temperatureC?: number };
  private accelerometerBiasMps2: Vector3;
  private gyroscopeBiasRadps: Vector3;
  private temperatureOffsetC: number;

  private readonly registers = new Uint8Array(REGISTER_SPACE);
  private pointer = 0;
  private readonly fifo = new Uint8Array(FIFO_CAPACITY);
  private fifoStart = 0;
  private fifoCount = 0;
  /** RM §4.31: reading an empty FIFO returns the last byte read from it. */
  private lastFifoByte = 0;
  /** RM §4.30: both count registers are loaded when FIFO_COUNT_H is read. */
  private fifoCountLatched = 0;
  /** Samples fall at sampleAnchorUs + k·period, k ≥ 1; lastSampleIndex is the last k applied. */
  private sampleAnchorUs = 0;
  private lastSampleIndex = 0;

  constructor(options: Mpu6050Options) {
    const address = options.address ?? MPU6050_DEFAULT_ADDRESS;
    if (!MPU6050_ADDRESSES.includes(address)) {
      throw new RangeError(`MPU-6050 address must be 0x68 or 0x69, got 0x${address.toString(16)}`);
    }
    this.address = address;
    this.environment = options.environment;
    this.accelerometerBiasMps2 = options.accelerometerBiasMps2 ?? ZERO_VECTOR;
    this.gyroscopeBiasRadps = options.gyroscopeBiasRadps ?? ZERO_VECTOR;
    this.temperatureOffsetC = options.temperatureOffsetC ?? 0;
    this.noise = new SensorNoise(options.noise?.seed, 'mpu6050');
    this.noiseStddev = {
      accelerationMps2: options.noise?.accelerationMps2,
      angularRateRadps: options.noise?.angularRateRadps,
      temperatureC: options.noise?.temperatureC,
    };
    this.powerOnReset(0);
  }

  // ---- physics and fault hooks ---------------------------------------------------------------------------

  setAccelerometerBiasMps2(biasMps2: Vector3): void {
    this.accelerometerBiasMps2 = { ...biasMps2 };
  }

  setGyroscopeBiasRadps(biasRadps: Vector3): void {
    this.gyroscopeBiasRadps = { ...biasRadps };
  }

  setTemperatureOffsetC(offsetC: number): void {
    this.temperatureOffsetC = offsetC;
  }

  // ---- bus face ------------------------------------------------------------------------------------------

  /** RM §3: every register 0x00 but PWR_MGMT_1 (0x40: asleep) and WHO_AM_I (0x68); the FIFO empty. */
  powerOnReset(nowUs: number): void {
    this.registers.fill(0);
    this.registers[PWR_MGMT_1] = PWR_MGMT_1_RESET;
    this.registers[WHO_AM_I] = WHO_AM_I_VALUE;
    this.pointer = 0;
    this.clearFifo();
    this.lastFifoByte = 0;
    this.fifoCountLatched = 0;
    this.restartSampling(nowUs);
  }

  transfer(write: Uint8Array, read: Uint8Array, nowUs: number): HalStatus {
    this.advance(nowUs);
    if (write.length > 0) {
      if (!isMapped(write[0]!)) return HalStatus.NackData;
      this.pointer = write[0]!;
      for (let i = 1; i < write.length; i++) {
        if (!isMapped(this.pointer)) return HalStatus.NackData;
        if (this.writeRegister(this.pointer, write[i]!, nowUs) === 'reset') break;
        this.pointer = nextRegister(this.pointer);
      }
    }
    if (read.length > 0) {
      let statusRead = false;
      for (let i = 0; i < read.length; i++) {
        statusRead ||= this.pointer === INT_STATUS;
        read[i] = this.readRegister(this.pointer);
        this.pointer = nextRegister(this.pointer);
      }
      // RM §4.14/§4.16: status bits clear when INT_STATUS is read, or on any read with INT_RD_CLEAR.
      if (statusRead || (this.registers[INT_PIN_CFG]! & INT_RD_CLEAR) !== 0) this.registers[INT_STATUS] = 0;
    }
    return HalStatus.Ok;
  }

  // ---- registers -----------------------------------------------------------------------------------------

  private readRegister(register: number): number {
    switch (register) {
      case FIFO_COUNTH:
        this.fifoCountLatched = this.fifoCount;
        return this.fifoCountLatched >>> 8;
      case FIFO_COUNTL:
        return this.fifoCountLatched & 0xff;
      case FIFO_R_W:
        return this.popFifo();
      default:
        // Past the map (0x76..0x7F, reached by a burst) the chip sends 0.
        return isMapped(register) ? this.registers[register]! : 0;
    }
  }

  private writeRegister(register: number, value: number, nowUs: number): 'reset' | void {
    if (isReadOnly(register)) return;
    switch (register) {
      case PWR_MGMT_1:
        if (value & DEVICE_RESET) {
          this.powerOnReset(nowUs); // the bit clears itself once the reset is done
          return 'reset';
        }
        this.writeTimingRegister(register, value, nowUs);
        return;
      case SMPLRT_DIV:
      case CONFIG:
      case PWR_MGMT_2:
        this.writeTimingRegister(register, value, nowUs);
        return;
      case SIGNAL_PATH_RESET:
        // RM §4.26: resets the analog and digital signal paths, not the sensor registers; the bits self-clear.
        return;
      case USER_CTRL:
        if (value & USER_CTRL_FIFO_RESET) this.clearFifo();
        // RM §4.27: SIG_COND_RESET resets the signal paths and also clears the sensor registers.
        if (value & USER_CTRL_SIG_COND_RESET) this.registers.fill(0, ACCEL_XOUT_H, GYRO_ZOUT_L + 1);
        this.registers[USER_CTRL] = value & ~USER_CTRL_SELF_CLEARING;
        return;
      case FIFO_R_W:
        this.pushFifo(value);
        return;
      default:
        this.registers[register] = value;
    }
  }

  /** Registers that set when samples are taken: the sample grid restarts from the write. */
  private writeTimingRegister(register: number, value: number, nowUs: number): void {
    this.registers[register] = value;
    this.restartSampling(nowUs);
  }

  // ---- sampling ------------------------------------------------------------------------------------------

  private restartSampling(nowUs: number): void {
    this.sampleAnchorUs = nowUs;
    this.lastSampleIndex = 0;
  }

  private isAwake(): boolean {
    return (this.registers[PWR_MGMT_1]! & SLEEP) === 0;
  }

  private isCycling(): boolean {
    return (this.registers[PWR_MGMT_1]! & CYCLE) !== 0;
  }

  private samplePeriodUs(): number {
    if (this.isCycling()) return LP_WAKE_PERIOD_US[this.registers[PWR_MGMT_2]! >>> LP_WAKE_CTRL_SHIFT]!;
    const dlpf = this.registers[CONFIG]! & DLPF_CFG_MASK;
    const gyroOutputPeriodUs = dlpf === 0 || dlpf === 7 ? GYRO_OUTPUT_PERIOD_FAST_US : GYRO_OUTPUT_PERIOD_US;
    return gyroOutputPeriodUs * (1 + this.registers[SMPLRT_DIV]!);
  }

  /** Applies the samples due by `nowUs`: only the last reaches the registers, the FIFO may need more. */
  private advance(nowUs: number): void {
    if (!this.isAwake()) return;
    const periodUs = this.samplePeriodUs();
    const dueIndex = Math.floor((nowUs - this.sampleAnchorUs) / periodUs);
    if (dueIndex <= this.lastSampleIndex) return;
    const frameBytes = this.fifoFrameBytes();
    // Frames older than a FIFO's worth are overwritten anyway (RM §4.31); without the FIFO only the last counts.
    const framesKept = frameBytes === 0 ? 1 : Math.ceil(FIFO_CAPACITY / frameBytes) + 1;
    const first = Math.max(this.lastSampleIndex + 1, dueIndex - framesKept + 1);
    for (let index = first; index <= dueIndex; index++) {
      this.sample(this.sampleAnchorUs + index * periodUs);
      if (frameBytes > 0) this.pushFrame();
    }
    this.lastSampleIndex = dueIndex;
    this.raiseInterrupt(DATA_RDY_INT);
  }

  private sample(timeUs: number): void {
    const standby = this.registers[PWR_MGMT_2]!;
    const cycling = this.isCycling();
    // The accelerometer runs at 1 kHz (RM §4.2): a faster sample rate repeats its last output.
    const sinceAnchorUs = timeUs - this.sampleAnchorUs;
    const accelTimeUs = cycling
      ? timeUs
      : this.sampleAnchorUs + Math.floor(sinceAnchorUs / ACCEL_OUTPUT_PERIOD_US) * ACCEL_OUTPUT_PERIOD_US;
    if ((standby & (STBY_XA | STBY_YA | STBY_ZA)) !== (STBY_XA | STBY_YA | STBY_ZA)) {
      const lsbPerG = ACCEL_LSB_PER_G[(this.registers[ACCEL_CONFIG]! >>> FULL_SCALE_SHIFT) & FULL_SCALE_MASK]!;
      const accelerationMps2 = this.environment.accelerationMps2(accelTimeUs);
      for (const [axis, standbyBit, offset] of ACCEL_AXES) {
        if (standby & standbyBit) continue;
        const mps2 =
          accelerationMps2[axis] +
          this.accelerometerBiasMps2[axis] +
          this.noise.at(`accelerationMps2.${axis}`, accelTimeUs, this.noiseStddev.accelerationMps2);
        this.storeInt16(ACCEL_XOUT_H + offset, (mps2 / STANDARD_GRAVITY_MPS2) * lsbPerG);
      }
    }
    if ((this.registers[PWR_MGMT_1]! & TEMP_DIS) === 0) {
      const temperatureC =
        this.environment.temperatureC(timeUs) +
        this.temperatureOffsetC +
        this.noise.at('temperatureC', timeUs, this.noiseStddev.temperatureC);
      this.storeInt16(TEMP_OUT_H, (temperatureC - TEMP_OFFSET_C) * TEMP_LSB_PER_C);
    }
    if (cycling || (standby & (STBY_XG | STBY_YG | STBY_ZG)) === (STBY_XG | STBY_YG | STBY_ZG)) return;
    const lsbPerDps = GYRO_LSB_PER_DPS[(this.registers[GYRO_CONFIG]! >>> FULL_SCALE_SHIFT) & FULL_SCALE_MASK]!;
    const angularRateRadps = this.environment.angularRateRadps(timeUs);
    for (const [axis, standbyBit, offset] of GYRO_AXES) {
      if (standby & standbyBit) continue;
      const radps =
        angularRateRadps[axis] +
        this.gyroscopeBiasRadps[axis] +
        this.noise.at(`angularRateRadps.${axis}`, timeUs, this.noiseStddev.angularRateRadps);
      this.storeInt16(GYRO_XOUT_H + offset, radps * RAD_TO_DEG * lsbPerDps);
    }
  }

  /** A sensor register pair: rounded, saturated at ±32767/−32768, big-endian two's complement. */
  private storeInt16(register: number, counts: number): void {
    storeU16Be(this.registers, register, toTwosComplement(roundAndClamp(counts, INT16_MIN, INT16_MAX), 16));
  }

  private raiseInterrupt(bit: number): void {
    if (this.registers[INT_ENABLE]! & bit) this.registers[INT_STATUS] = this.registers[INT_STATUS]! | bit;
  }

  // ---- FIFO ----------------------------------------------------------------------------------------------

  /** The sensor registers the FIFO takes per sample, in register order (RM §4.6, §4.31). */
  private fifoRegisters(): number[] {
    if ((this.registers[USER_CTRL]! & USER_CTRL_FIFO_EN) === 0) return [];
    const enabled = this.registers[FIFO_EN]!;
    const registers: number[] = [];
    const push = (bit: number, first: number, count: number): void => {
      if (enabled & bit) for (let r = first; r < first + count; r++) registers.push(r);
    };
    push(ACCEL_FIFO_EN, ACCEL_XOUT_H, 6);
    push(TEMP_FIFO_EN, TEMP_OUT_H, 2);
    push(XG_FIFO_EN, GYRO_XOUT_H, 2);
    push(YG_FIFO_EN, GYRO_XOUT_H + 2, 2);
    push(ZG_FIFO_EN, GYRO_XOUT_H + 4, 2);
    return registers;
  }

  private fifoFrameBytes(): number {
    return this.fifoRegisters().length;
  }

  private pushFrame(): void {
    for (const register of this.fifoRegisters()) this.pushFifo(this.registers[register]!);
  }

  private pushFifo(byte: number): void {
    if (this.fifoCount === FIFO_CAPACITY) {
      this.fifoStart = (this.fifoStart + 1) % FIFO_CAPACITY;
      this.fifoCount--;
      this.raiseInterrupt(FIFO_OFLOW_INT);
    }
    this.fifo[(this.fifoStart + this.fifoCount) % FIFO_CAPACITY] = byte;
    this.fifoCount++;
  }

  private popFifo(): number {
    if (this.fifoCount === 0) return this.lastFifoByte;
    this.lastFifoByte = this.fifo[this.fifoStart]!;
    this.fifoStart = (this.fifoStart + 1) % FIFO_CAPACITY;
    this.fifoCount--;
    return this.lastFifoByte;
  }

  private clearFifo(): void {
    this.fifoStart = 0;
    this.fifoCount = 0;
  }
}

function inRanges(register: number, ranges: readonly (readonly [number, number])[]): boolean {
  return ranges.some(([first, last]) => register >= first && register <= last);
}

function isMapped(register: number): boolean {
  return inRanges(register, MAPPED_RANGES);
}

function isReadOnly(register: number): boolean {
  return inRanges(register, READ_ONLY_RANGES);
}

/** Auto-increment, except FIFO_R_W, whose successive bytes are successive FIFO bytes (RM §4.31). */
function nextRegister(register: number): number {
  return register === FIFO_R_W ? register : (register + 1) & 0xff;
}
