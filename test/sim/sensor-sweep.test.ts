import { describe, expect, it } from 'vitest';
import { sensorNode, simulate } from '../support/sim-run.ts';

const G_MPS2 = 9.80665;
const DEG_TO_RAD = Math.PI / 180;

/** A still world at the given values, without noise. */
function world(temperatureC: number, humidityPct: number, pressurePa: number, accel: number[], gyroRadps: number[]) {
  const constant = (base: number) => ({ base, components: [] });
  const vector = ([x, y, z]: number[]) => ({ x: constant(x!), y: constant(y!), z: constant(z!) });
  return {
    environment: {
      temperatureC: constant(temperatureC),
      relativeHumidityPct: constant(humidityPct),
      pressurePa: constant(pressurePa),
      accelerationMps2: vector(accel),
      angularRateRadps: vector(gyroRadps),
    },
  };
}

async function readingsIn(scenario: object): Promise<Record<string, number>> {
  const run = simulate(await sensorNode(), scenario);
  await run.simulation.runFor(2000);
  return run.data().at(-1)!.values;
}

/**
 * Every driver against its virtual chip across the chip's range: what the app reports equals the physical value
 * to within the chip's resolution (TMP102 0.0625 °C; SHT31 175/65535 °C, 100/65535 %RH; BME280 0.01 °C,
 * 2.62 Pa at ×1 oversampling (Table 6), 1/1024 %RH; MPU-6050 at ±4 g / ±500 °/s: 1/8192 g, 1/65.5 °/s).
 */
describe('every driver across its chip’s range', () => {
  const temperaturesC = [-40, -25.5, -0.25, 0, 21.7, 55, 85];
  it.each(temperaturesC)('temperature %f °C', async (temperatureC) => {
    const values = await readingsIn(world(temperatureC, 50, 101_325, [0, 0, G_MPS2], [0, 0, 0]));
    expect(Math.abs(values['tmp102.temperature']! - temperatureC)).toBeLessThanOrEqual(0.0625);
    expect(Math.abs(values['sht31.temperature']! - temperatureC)).toBeLessThanOrEqual(175 / 65535);
    expect(Math.abs(values['bme280.temperature']! - temperatureC)).toBeLessThanOrEqual(0.01);
  });

  it.each([0, 0.5, 33.3, 75, 99.5, 100])('relative humidity %f %%', async (humidityPct) => {
    const values = await readingsIn(world(25, humidityPct, 101_325, [0, 0, G_MPS2], [0, 0, 0]));
    expect(Math.abs(values['sht31.humidity']! - humidityPct)).toBeLessThanOrEqual(100 / 65535);
    expect(Math.abs(values['bme280.humidity']! - humidityPct)).toBeLessThanOrEqual(1 / 1024 + 0.01);
  });

  it.each([30_000, 70_000, 101_325, 110_000])('pressure %f Pa', async (pressurePa) => {
    const values = await readingsIn(world(25, 40, pressurePa, [0, 0, G_MPS2], [0, 0, 0]));
    // Table 6: at ×1 oversampling the pressure resolution is 16 bits, 2.62 Pa.
    expect(Math.abs(values['bme280.pressure']! - pressurePa)).toBeLessThanOrEqual(2.62);
  });

  it.each([
    [[0, 0, G_MPS2], [0, 0, 0]],
    [[3.9 * G_MPS2, -3.9 * G_MPS2, 0.001], [499 * DEG_TO_RAD, -250 * DEG_TO_RAD, 0.5]],
    [[-1.5, 2.25, -G_MPS2], [0.01, -0.02, 1]],
  ])('acceleration %j m/s², angular rate %j rad/s', async (accel, gyro) => {
    const values = await readingsIn(world(25, 40, 101_325, accel, gyro));
    const axes = ['x', 'y', 'z'];
    axes.forEach((axis, i) => {
      expect(Math.abs(values[`mpu6050.accel_${axis}`]! - accel[i]!)).toBeLessThanOrEqual(G_MPS2 / 8192);
      expect(Math.abs(values[`mpu6050.gyro_${axis}`]! - gyro[i]!)).toBeLessThanOrEqual(DEG_TO_RAD / 65.5);
    });
    // The MPU-6050's die temperature follows the air: TEMP_OUT/340 + 36.53 °C.
    expect(Math.abs(values['mpu6050.temperature']! - 25)).toBeLessThanOrEqual(1 / 340);
  });
});
