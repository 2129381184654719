import { checkModuleInterface } from '../../host/abi/app-instance.ts';
import { AppMemory } from '../../host/abi/app-memory.ts';
import { createHalImports } from '../../host/abi/hal-imports.ts';
import { MetricTable } from '../../host/abi/metric-table.ts';
import { OutputStates } from '../../host/abi/output-states.ts';
import { testAppBytes } from '../support/apps.ts';
import { ScriptedI2c } from '../support/scripted-i2c.ts';

/** The exports of test/fixtures/apps/driver-io-harness.ts (every probe/init/read returns a status). */
export interface IoHarness {
  tmp102Probe(): number;
  tmp102Init(): number;
  tmp102Read(): number;
  tmp102TemperatureC(): number;
  sht31Probe(): number;
  sht31Init(): number;
  sht31Read(): number;
  sht31TemperatureC(): number;
  sht31HumidityPercent(): number;
  sht31StatusRegister(): number;
  bme280Probe(): number;
  bme280Init(): number;
  bme280Read(): number;
  bme280TemperatureC(): number;
  bme280PressurePa(): number;
  bme280HumidityPercent(): number;
  mpu6050Select(wide: number): void;
  mpu6050Probe(): number;
  mpu6050Init(): number;
  mpu6050Read(): number;
  mpu6050Value(index: number): number;
}

/**
 * The I/O harness on a scripted bus, through the host's real HAL imports (host/abi/hal-imports.ts), so the
 * ABI's argument checks (7-bit address, lengths 1..255, pointers) apply to every transaction as in the simulator.
 */
export async function loadIoHarness(): Promise<{ harness: IoHarness; bus: ScriptedI2c }> {
  const module = await WebAssembly.compile((await testAppBytes('driver-io-harness')) as Uint8Array<ArrayBuffer>);
  checkModuleInterface(module);
  const bus = new ScriptedI2c();
  let memory: AppMemory | undefined;
  const imports = createHalImports({
    port: bus,
    memory: () => memory!,
    metrics: new MetricTable(),
    outputs: new OutputStates(),
    phase: () => 'idle',
    seed: 1,
  });
  const instance = new WebAssembly.Instance(module, imports);
  memory = new AppMemory(instance.exports.memory as WebAssembly.Memory);
  return { harness: instance.exports as unknown as IoHarness, bus };
}

/** Driver status codes (drivers/hal/status.ts), restated. */
export const Status = {
  Ok: 0,
  NackAddress: 1,
  NackData: 2,
  BusError: 3,
  Timeout: 4,
  Crc: 100,
  WrongIdentity: 101,
  NoData: 102,
  ChipReset: 103,
} as const;
