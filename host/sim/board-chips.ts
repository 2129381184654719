import { Bme280 } from './chips/bme280.ts';
import { Mpu6050 } from './chips/mpu6050.ts';
import { Sht31 } from './chips/sht31.ts';
import { Tmp102 } from './chips/tmp102.ts';
import type { I2cTarget } from './i2c-target.ts';
import type { PhysicalEnvironment } from './physics.ts';
import type { ChipName } from './scenario.ts';

const chipFactories: Record<ChipName, (environment: PhysicalEnvironment) => I2cTarget> = {
  tmp102: (environment) => new Tmp102({ environment }),
  sht31: (environment) => new Sht31({ environment }),
  bme280: (environment) => new Bme280({ environment }),
  mpu6050: (environment) => new Mpu6050({ environment }),
};

/** The virtual chips a scenario puts on a simulated board, each at its default address. */
export function createBoardChips(names: readonly ChipName[], environment: PhysicalEnvironment): I2cTarget[] {
  return names.map((name) => chipFactories[name](environment));
}
