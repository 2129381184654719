import { FaultyChipEnvironment, type ChipFault } from './chip-faults.ts';
import { Bme280, BME280_DEFAULT_ADDRESS } from './chips/bme280.ts';
import { Mpu6050, MPU6050_DEFAULT_ADDRESS } from './chips/mpu6050.ts';
import { Sht31, SHT31_DEFAULT_ADDRESS } from './chips/sht31.ts';
import { Tmp102, TMP102_DEFAULT_ADDRESS } from './chips/tmp102.ts';
import type { I2cTarget } from './i2c-target.ts';
import type { PhysicalEnvironment } from './physics.ts';
import type { ChipName } from './scenario.ts';

const chipFactories: Record<ChipName, { address: number; create(environment: PhysicalEnvironment): I2cTarget }> = {
  tmp102: { address: TMP102_DEFAULT_ADDRESS, create: (environment) => new Tmp102({ environment }) },
  sht31: { address: SHT31_DEFAULT_ADDRESS, create: (environment) => new Sht31({ environment }) },
  bme280: { address: BME280_DEFAULT_ADDRESS, create: (environment) => new Bme280({ environment }) },
  mpu6050: { address: MPU6050_DEFAULT_ADDRESS, create: (environment) => new Mpu6050({ environment }) },
};

/**
 * The virtual chips a scenario puts on a simulated board, each at its default address. A chip with faults of
 * its own (`chipFaults`: stuck, calibration-drift, erratic) senses the world through them.
 */
export function createBoardChips(
  names: readonly ChipName[],
  environment: PhysicalEnvironment,
  chipFaults: readonly ChipFault[] = [],
  seed = 0,
): I2cTarget[] {
  return names.map((name) => {
    const { address, create } = chipFactories[name];
    const faults = chipFaults.filter((fault) => fault.address === address);
    return create(faults.length === 0 ? environment : new FaultyChipEnvironment(environment, faults, seed, address));
  });
}
