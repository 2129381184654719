// MPU-6050 driver: WHO_AM_I check, wake with the PLL clock, full-scale ranges, one 14-byte burst per reading.
import { loadI16BE } from "../hal/bits";
import { readRegisters, writeRegister8 } from "../hal/i2c";
import { Status } from "../hal/status";
import { accelMps2FromRaw, gyroRadPerSFromRaw, temperatureCFromRaw } from "./convert";
import {
  ACCEL_X_AT,
  ACCEL_Y_AT,
  ACCEL_Z_AT,
  AccelRange,
  CLKSEL_PLL_X_GYRO,
  DATA_LENGTH,
  FULL_SCALE_SHIFT,
  GYRO_X_AT,
  GYRO_Y_AT,
  GYRO_Z_AT,
  GyroRange,
  MPU6050_ADDRESS,
  PWR_MGMT_1_SLEEP,
  REGISTER_ACCEL_CONFIG,
  REGISTER_ACCEL_XOUT_H,
  REGISTER_GYRO_CONFIG,
  REGISTER_PWR_MGMT_1,
  REGISTER_WHO_AM_I,
  TEMPERATURE_AT,
  WHO_AM_I_VALUE,
} from "./registers";

const data = memory.data(DATA_LENGTH);

export class Mpu6050 {
  /** The last values read successfully. */
  accelXMps2: f64 = 0;
  accelYMps2: f64 = 0;
  accelZMps2: f64 = 0;
  gyroXRadPerS: f64 = 0;
  gyroYRadPerS: f64 = 0;
  gyroZRadPerS: f64 = 0;
  temperatureC: f64 = 0;

  constructor(
    readonly address: i32 = MPU6050_ADDRESS,
    readonly accelRange: AccelRange = AccelRange.G2,
    readonly gyroRange: GyroRange = GyroRange.Dps250,
  ) {}

  /** Reads WHO_AM_I (RM §4.32): OK for 0x68, WRONG_IDENTITY otherwise, or the bus status. */
  probe(): i32 {
    const status = readRegisters(this.address, REGISTER_WHO_AM_I, data, 1);
    if (status != Status.Ok) return status;
    return <i32>load<u8>(data) == WHO_AM_I_VALUE ? Status.Ok : Status.WrongIdentity;
  }

  /**
   * Probe, wake (PWR_MGMT_1 ← CLKSEL = PLL with X gyro, SLEEP = 0), then set both full-scale ranges. The gyro
   * needs ~30 ms to settle (PS §6.1); an app reading sooner gets unsettled rates, not an error.
   */
  init(): i32 {
    let status = this.probe();
    if (status != Status.Ok) return status;
    status = writeRegister8(this.address, REGISTER_PWR_MGMT_1, CLKSEL_PLL_X_GYRO);
    if (status != Status.Ok) return status;
    status = writeRegister8(this.address, REGISTER_GYRO_CONFIG, this.gyroRange << FULL_SCALE_SHIFT);
    if (status != Status.Ok) return status;
    return writeRegister8(this.address, REGISTER_ACCEL_CONFIG, this.accelRange << FULL_SCALE_SHIFT);
  }

  /**
   * Checks the chip is still awake, then burst-reads ACCEL_XOUT_H..GYRO_ZOUT_L and converts every axis and the
   * temperature. A chip that power-cycled since init is asleep with its ranges reset (RM §4.28: SLEEP is set at
   * power-on) and would read stale or zero data: that is CHIP_RESET, not a reading.
   */
  read(): i32 {
    let status = readRegisters(this.address, REGISTER_PWR_MGMT_1, data, 1);
    if (status != Status.Ok) return status;
    if ((<i32>load<u8>(data) & PWR_MGMT_1_SLEEP) != 0) return Status.ChipReset;
    status = readRegisters(this.address, REGISTER_ACCEL_XOUT_H, data, DATA_LENGTH);
    if (status != Status.Ok) return status;
    const accelRange = this.accelRange;
    const gyroRange = this.gyroRange;
    this.accelXMps2 = accelMps2FromRaw(loadI16BE(data + ACCEL_X_AT), accelRange);
    this.accelYMps2 = accelMps2FromRaw(loadI16BE(data + ACCEL_Y_AT), accelRange);
    this.accelZMps2 = accelMps2FromRaw(loadI16BE(data + ACCEL_Z_AT), accelRange);
    this.temperatureC = temperatureCFromRaw(loadI16BE(data + TEMPERATURE_AT));
    this.gyroXRadPerS = gyroRadPerSFromRaw(loadI16BE(data + GYRO_X_AT), gyroRange);
    this.gyroYRadPerS = gyroRadPerSFromRaw(loadI16BE(data + GYRO_Y_AT), gyroRange);
    this.gyroZRadPerS = gyroRadPerSFromRaw(loadI16BE(data + GYRO_Z_AT), gyroRange);
    return Status.Ok;
  }
}
