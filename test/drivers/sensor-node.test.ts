// The sensor-node app (release build) through the host's AppInstance on a scripted bus: what it probes and
// declares, what it reads each interval, how it recovers a failing sensor, its LED and its commands.
import { beforeEach, describe, expect, it } from 'vitest';
import { AppInstance, compileAppModule } from '../../host/abi/app-instance.ts';
import { appBytes } from '../support/apps.ts';
import { ScriptedI2c, type ScriptedStep } from '../support/scripted-i2c.ts';

// Status codes (docs/hal-abi.md §3) and log levels (§4.5).
const OK = 0;
const NACK_ADDRESS = 1;
const BAD_ARGUMENT = 5;
const UNSUPPORTED = 6;
const WARNING = 1;
const INFO = 2;
// docs/hal-abi.md §4.6 metric kinds and §4.7 LED modes.
const NUMBER = 0;
const LED_OFF = 0;
const LED_ON = 1;
const LED_BLINKING = 3;

const absent = {
  tmp102: { address: 0x48, write: [0x01], read: [0, 0], status: NACK_ADDRESS },
  sht31: { address: 0x44, write: [0xf3, 0x2d], status: NACK_ADDRESS },
  bme280: { address: 0x76, write: [0xd0], read: [0], status: NACK_ADDRESS },
  mpu6050: { address: 0x68, write: [0x75], read: [0], status: NACK_ADDRESS },
} satisfies Record<string, ScriptedStep>;

const tmp102 = {
  probe: (): ScriptedStep[] => [{ address: 0x48, write: [0x01], read: [0x60, 0xa0] }],
  init: (): ScriptedStep[] => [...tmp102.probe(), { address: 0x48, write: [0x01, 0x60, 0xa0] }, { delayUs: 35_000 }],
  read: (msb: number, lsb: number): ScriptedStep[] => [{ address: 0x48, write: [0x00], read: [msb, lsb] }],
};

const sht31 = {
  probe: (): ScriptedStep[] => [{ address: 0x44, write: [0xf3, 0x2d] }, { address: 0x44, read: [0x80, 0x10, 0xe1] }],
  init: (): ScriptedStep[] => [{ address: 0x44, write: [0x30, 0xa2] }, { delayUs: 1_500 }, ...sht31.probe()],
  read: (): ScriptedStep[] => [
    { address: 0x44, write: [0x24, 0x00] },
    { delayUs: 15_000 },
    { address: 0x44, read: [0x66, 0x66, 0x93, 0x66, 0x66, 0x93] }, // 25 °C, 40 %RH
  ],
};

const bme280 = {
  probe: (): ScriptedStep[] => [{ address: 0x76, write: [0xd0], read: [0x60] }],
  init: (): ScriptedStep[] => [
    ...bme280.probe(),
    { address: 0x76, write: [0xe0, 0xb6] },
    { delayUs: 2_000 },
    { address: 0x76, write: [0xf3], read: [0x00] },
    {
      address: 0x76,
      write: [0x88],
      read: [
        0x70, 0x6b, 0x43, 0x67, 0x18, 0xfc, 0x7d, 0x8e, 0x43, 0xd6, 0xd0, 0x0b, 0x27, 0x0b, 0x8c, 0x00, 0xf9, 0xff,
        0x8c, 0x3c, 0xf8, 0xc6, 0x70, 0x17, 0x00, 0x4b,
      ],
    },
    { address: 0x76, write: [0xe1], read: [0x6a, 0x01, 0x00, 0x13, 0x29, 0x03, 0x1e] },
  ],
  read: (): ScriptedStep[] => [
    { address: 0x76, write: [0xf2, 0x01] },
    { address: 0x76, write: [0xf4, 0x25] },
    { delayUs: 9_300 },
    { address: 0x76, write: [0xf7], read: [0x65, 0x5a, 0xc0, 0x7e, 0xed, 0x00, 0x70, 0x00] },
  ],
};

const mpu6050 = {
  probe: (): ScriptedStep[] => [{ address: 0x68, write: [0x75], read: [0x68] }],
  init: (): ScriptedStep[] => [
    ...mpu6050.probe(),
    { address: 0x68, write: [0x6b, 0x01] },
    { address: 0x68, write: [0x1b, 0x08] }, // ±500 °/s
    { address: 0x68, write: [0x1c, 0x08] }, // ±4 g
  ],
  read: (): ScriptedStep[] => [
    { address: 0x68, write: [0x6b], read: [0x01] }, // still awake: not reset since init
    {
      address: 0x68,
      write: [0x3b],
      // accel z 8192 (1 g at ±4 g), temp 0 (36.53 °C), gyro x 655 (10 °/s at 65.5 LSB/(°/s))
      read: [0, 0, 0, 0, 0x20, 0x00, 0, 0, 0x02, 0x8f, 0, 0, 0, 0],
    },
  ],
};

let bus: ScriptedI2c;
let app: AppInstance;

async function start(initSteps: ScriptedStep[]): Promise<void> {
  bus = new ScriptedI2c(initSteps);
  app = new AppInstance(await compileAppModule(await appBytes('sensor-node', 'release')), { port: bus, seed: 1 });
  app.init();
  bus.finish();
}

/** Ticks at the bus's current time (the ABI's monotonic clock) and returns the requested delay. */
function tick(): number {
  return app.tick(Math.floor(bus.nowUsValue / 1000));
}

/** Lets `ms` pass on the device's clock. */
function advance(ms: number): void {
  bus.nowUsValue += ms * 1000;
}

function command(bytes: number[]): number | null {
  return app.command(new Uint8Array(bytes));
}

describe('sensor-node init', () => {
  it('probes every chip, initialises and declares those present with fixed ids, names and UCUM units', async () => {
    await start([
      ...tmp102.probe(),
      ...tmp102.init(),
      ...sht31.probe(),
      ...sht31.init(),
      ...bme280.probe(),
      ...bme280.init(),
      ...mpu6050.probe(),
      ...mpu6050.init(),
    ]);
    expect(app.abiVersion).toBe(0x00010001);
    // Ranges: TMP102 and SHT31 specified, BME280 operating and MPU-6050 temperature sensor ranges from the
    // datasheets; the MPU-6050's axes at the full scales init configures, ±4 g and ±500 °/s.
    const accel = { min: -4 * 9.80665, max: 4 * 9.80665 };
    const gyro = { min: -500 * (Math.PI / 180), max: 500 * (Math.PI / 180) };
    expect(app.metrics.descriptors).toEqual([
      { id: 1, name: 'tmp102.temperature', unit: 'Cel', kind: NUMBER, range: { min: -40, max: 125 } },
      { id: 2, name: 'sht31.temperature', unit: 'Cel', kind: NUMBER, range: { min: -40, max: 125 } },
      { id: 3, name: 'sht31.humidity', unit: '%RH', kind: NUMBER, range: { min: 0, max: 100 } },
      { id: 4, name: 'bme280.temperature', unit: 'Cel', kind: NUMBER, range: { min: -40, max: 85 } },
      { id: 5, name: 'bme280.pressure', unit: 'Pa', kind: NUMBER, range: { min: 30_000, max: 110_000 } },
      { id: 6, name: 'bme280.humidity', unit: '%RH', kind: NUMBER, range: { min: 0, max: 100 } },
      { id: 7, name: 'mpu6050.accel_x', unit: 'm/s2', kind: NUMBER, range: accel },
      { id: 8, name: 'mpu6050.accel_y', unit: 'm/s2', kind: NUMBER, range: accel },
      { id: 9, name: 'mpu6050.accel_z', unit: 'm/s2', kind: NUMBER, range: accel },
      { id: 10, name: 'mpu6050.gyro_x', unit: 'rad/s', kind: NUMBER, range: gyro },
      { id: 11, name: 'mpu6050.gyro_y', unit: 'rad/s', kind: NUMBER, range: gyro },
      { id: 12, name: 'mpu6050.gyro_z', unit: 'rad/s', kind: NUMBER, range: gyro },
      { id: 13, name: 'mpu6050.temperature', unit: 'Cel', kind: NUMBER, range: { min: -40, max: 85 } },
    ]);
    expect(accel.max).toBeCloseTo(39.2266, 12);
    expect(gyro.max).toBeCloseTo(8.726646259971648, 12);
    expect(app.metrics.opcodes).toEqual([0x01, 0x02, 0x03]);
    expect(app.outputs).toEqual({ reportIntervalMs: 1000, ledMode: LED_OFF, ledPeriodMs: 0 });
    expect(bus.logs).toEqual([{ level: INFO, text: 'sensor-node: found tmp102 sht31 bme280 mpu6050' }]);
    expect(bus.pinCalls).toEqual(['gpio-mode 0 1', 'gpio-write 0 0', 'pwm 0 0']);

    bus.expect(...tmp102.read(0x19, 0x00), ...sht31.read(), ...bme280.read(), ...mpu6050.read());
    tick();
    bus.finish();
    const values = Object.fromEntries(app.metrics.takeReported().map(({ id, value }) => [id, value]));
    expect(values[1]).toBe(25);
    expect(values[2]).toBe(25);
    expect(values[3]).toBe(40);
    expect(values[4]).toBe(25.08);
    expect(values[5]).toBe(25767233 / 256);
    expect(values[6]).toBe(48746 / 1024);
    expect([values[7], values[8], values[9]]).toEqual([0, 0, 9.80665]);
    expect(values[10]).toBeCloseTo((655 / 65.5) * (Math.PI / 180), 12);
    expect([values[11], values[12]]).toEqual([0, 0]);
    expect(values[13]).toBe(36.53);
  });

  it('declares nothing and says so when no chip answers, but still its opcodes and outputs', async () => {
    await start([absent.tmp102, absent.sht31, absent.bme280, absent.mpu6050]);
    expect(app.metrics.descriptors).toEqual([]);
    expect(app.metrics.opcodes).toEqual([0x01, 0x02, 0x03]);
    expect(app.outputs).toEqual({ reportIntervalMs: 1000, ledMode: LED_OFF, ledPeriodMs: 0 });
    expect(bus.logs).toEqual([{ level: INFO, text: 'sensor-node: found no sensors' }]);
    expect(tick()).toBe(1000);
    bus.finish();
  });

  it('warns about a different chip at a sensor’s address and leaves it out', async () => {
    await start([absent.tmp102, absent.sht31, { address: 0x76, write: [0xd0], read: [0x58] }, absent.mpu6050]);
    expect(app.metrics.descriptors).toEqual([]);
    expect(bus.logs[0]).toEqual({ level: WARNING, text: 'bme280: identity check failed: wrong-identity (101)' });
  });
});

describe('sensor-node with a TMP102', () => {
  beforeEach(async () => {
    await start([...tmp102.probe(), ...tmp102.init(), absent.sht31, absent.bme280, absent.mpu6050]);
    bus.logs.length = 0;
    bus.pinCalls.length = 0;
  });

  it('reads every interval, and returns the time left until the next reading', () => {
    bus.expect(...tmp102.read(0x19, 0x00));
    expect(tick()).toBe(1000);
    expect(app.metrics.takeReported()).toEqual([{ id: 1, value: 25 }]);
    advance(400);
    expect(tick()).toBe(600); // nothing due
    advance(600);
    bus.expect(...tmp102.read(0xe7, 0x00));
    expect(tick()).toBe(1000);
    expect(app.metrics.takeReported()).toEqual([{ id: 1, value: -25 }]);
    bus.finish();
  });

  it('warns once when a read fails, blinks the error pattern, re-initialises next cycle and recovers', () => {
    bus.expect(...tmp102.read(0x19, 0x00));
    tick();
    expect(app.metrics.takeReported()).toEqual([{ id: 1, value: 25 }]);
    advance(1000);

    // Unplugged: the read is NACKed. One warning, the LED switches to a 200 ms blink.
    bus.expect({ address: 0x48, write: [0x00], read: [0, 0], status: NACK_ADDRESS });
    expect(tick()).toBe(100); // next LED edge
    expect(app.metrics.takeReported()).toEqual([]);
    expect(bus.logs).toEqual([{ level: WARNING, text: 'tmp102: read failed: nack-address (1)' }]);
    expect(bus.pinCalls).toEqual(['gpio-write 0 1']);
    expect(app.outputs).toMatchObject({ ledMode: LED_BLINKING, ledPeriodMs: 200 });
    advance(100);
    expect(tick()).toBe(100);
    expect(bus.pinCalls).toEqual(['gpio-write 0 1', 'gpio-write 0 0']);

    // Still unplugged: re-initialisation fails the same way; no repeated warning.
    advance(900);
    bus.expect({ address: 0x48, write: [0x01], read: [0, 0], status: NACK_ADDRESS });
    tick();
    expect(bus.logs).toHaveLength(1);

    // Plugged back (power-on reset): init runs again before the read, the value comes back, the LED goes back
    // to the user's mode (off).
    advance(1000);
    bus.expect(...tmp102.init(), ...tmp102.read(0x19, 0x00));
    tick();
    bus.finish();
    expect(app.metrics.takeReported()).toEqual([{ id: 1, value: 25 }]);
    expect(bus.logs[1]).toEqual({ level: INFO, text: 'tmp102: recovered' });
    expect(bus.pinCalls.at(-1)).toBe('gpio-write 0 0');
    expect(app.outputs).toMatchObject({ ledMode: LED_OFF, ledPeriodMs: 0 });
  });

  it('keeps the reading schedule when the interval changes', () => {
    bus.expect(...tmp102.read(0x19, 0x00));
    tick();
    expect(command([0x02, 0x88, 0x13, 0, 0])).toBe(OK); // 5000 ms
    expect(app.outputs.reportIntervalMs).toBe(5000);
    expect(tick()).toBe(5000);
    advance(5000);
    bus.expect(...tmp102.read(0x19, 0x00));
    expect(tick()).toBe(5000);
    bus.finish();
  });
});

describe('sensor-node with an MPU-6050 that power-cycles between two readings', () => {
  it('notices the chip asleep at its power-on state, warns, and configures it again on the next cycle', async () => {
    await start([absent.tmp102, absent.sht31, absent.bme280, ...mpu6050.probe(), ...mpu6050.init()]);
    bus.logs.length = 0;
    bus.expect(...mpu6050.read());
    tick();
    expect(app.metrics.takeReported()).toHaveLength(7);

    advance(1000);
    bus.expect({ address: 0x68, write: [0x6b], read: [0x40] }); // SLEEP set: it was reset, ranges are ±2 g again
    tick();
    expect(app.metrics.takeReported()).toEqual([]);
    expect(bus.logs).toEqual([{ level: WARNING, text: 'mpu6050: read failed: chip-reset (103)' }]);

    advance(1000);
    bus.expect(...mpu6050.init(), ...mpu6050.read());
    tick();
    bus.finish();
    expect(app.metrics.takeReported()).toHaveLength(7);
    expect(bus.logs[1]).toEqual({ level: INFO, text: 'mpu6050: recovered' });
  });
});

describe('sensor-node commands', () => {
  beforeEach(async () => {
    await start([absent.tmp102, absent.sht31, absent.bme280, absent.mpu6050]);
    bus.pinCalls.length = 0;
    tick();
  });

  it('switches the LED on, off and toggles it, and tells the runner where each landed', () => {
    const modes: number[] = [];
    for (const mode of [1, 0, 2, 2]) {
      expect(command([0x01, mode])).toBe(OK);
      modes.push(app.outputs.ledMode);
    }
    expect(bus.pinCalls).toEqual(['gpio-write 0 1', 'gpio-write 0 0', 'gpio-write 0 1', 'gpio-write 0 0']);
    expect(modes).toEqual([LED_ON, LED_OFF, LED_ON, LED_OFF]);
  });

  it('blinks the LED with the given period and asks to be ticked at each edge', () => {
    expect(command([0x01, 3, 0xe9, 0x03])).toBe(OK); // 1001 ms: 500 on, 500 off
    expect(app.outputs).toEqual({ reportIntervalMs: 1000, ledMode: LED_BLINKING, ledPeriodMs: 1001 });
    expect(bus.pinCalls).toEqual(['gpio-write 0 1']);
    expect(tick()).toBe(500);
    advance(500);
    expect(tick()).toBe(500);
    expect(bus.pinCalls).toEqual(['gpio-write 0 1', 'gpio-write 0 0']);
    expect(app.outputs.ledMode).toBe(LED_BLINKING); // an edge is not a change of mode
    expect(command([0x01, 1])).toBe(OK);
    expect(app.outputs).toEqual({ reportIntervalMs: 1000, ledMode: LED_ON, ledPeriodMs: 0 });
  });

  it('sets PWM channel 0 on BRIGHTNESS', () => {
    expect(command([0x03, 0x00, 0x80])).toBe(OK);
    expect(bus.pinCalls).toEqual(['pwm 0 32768']);
  });

  it('answers the ABI’s statuses for bad, short, unknown and app-specific commands', () => {
    expect(command([0x01, 7])).toBe(BAD_ARGUMENT);
    expect(command([0x01, 3, 10, 0])).toBe(BAD_ARGUMENT);
    expect(command([0x02, 50, 0, 0, 0])).toBe(BAD_ARGUMENT);
    expect(command([0x02, 0xe8])).toBe(BAD_ARGUMENT);
    expect(command([0x09])).toBe(UNSUPPORTED);
    expect(command([0x80, 1])).toBe(UNSUPPORTED);
    expect(command([])).toBe(BAD_ARGUMENT);
    expect(command(new Array(65).fill(0x03))).toBeNull(); // longer than the 64-byte buffer: NO_COMMAND_BUFFER
    expect(bus.pinCalls).toEqual([]);
    expect(app.outputs).toEqual({ reportIntervalMs: 1000, ledMode: LED_OFF, ledPeriodMs: 0 });
  });
});

describe('sensor-node memory', () => {
  it('allocates nothing after init: the heap’s end stays put through readings, failures, logs and commands', async () => {
    const { AppMemory } = await import('../../host/abi/app-memory.ts');
    const { createHalImports } = await import('../../host/abi/hal-imports.ts');
    const { MetricTable } = await import('../../host/abi/metric-table.ts');
    const { OutputStates } = await import('../../host/abi/output-states.ts');
    const port = new ScriptedI2c([
      ...tmp102.probe(), ...tmp102.init(), ...sht31.probe(), ...sht31.init(),
      ...bme280.probe(), ...bme280.init(), ...mpu6050.probe(), ...mpu6050.init(),
    ]);
    let phase: 'idle' | 'init' | 'tick' | 'command' = 'idle';
    let memory: InstanceType<typeof AppMemory> | undefined;
    const module = await compileAppModule(await appBytes('sensor-node', 'release'));
    const instance = new WebAssembly.Instance(
      module,
      createHalImports({
        port,
        memory: () => memory!,
        metrics: new MetricTable(),
        outputs: new OutputStates(),
        phase: () => phase,
        seed: 1,
      }),
    );
    const exports = instance.exports as unknown as {
      memory: WebAssembly.Memory;
      init(): void;
      tick(nowMs: bigint): number;
      command_buffer(len: number): number;
      command(ptr: number, len: number): number;
    };
    memory = new AppMemory(exports.memory);
    phase = 'init';
    exports.init();
    phase = 'idle';
    port.finish();
    // The stub runtime bumps a pointer and writes a block header per allocation, so the last non-zero byte of
    // memory moves if anything is allocated. It is measured after one warm-up cycle has set every field of the
    // last object made at start-up (the parsed command); static buffers all lie below.
    const heapEnd = () => new Uint8Array(exports.memory.buffer).findLastIndex((byte) => byte !== 0);
    let endAfterWarmUp = -1;
    const sendCommand = (bytes: number[]) => {
      phase = 'command';
      const ptr = exports.command_buffer(bytes.length);
      new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
      const status = exports.command(ptr, bytes.length);
      phase = 'idle';
      return status;
    };

    for (let cycle = 0; cycle < 40; cycle++) {
      const tmpSteps: ScriptedStep[] =
        cycle % 4 === 1
          ? [{ address: 0x48, write: [0x00], read: [0, 0], status: NACK_ADDRESS }]
          : cycle % 4 === 2
            ? [...tmp102.init(), ...tmp102.read(0x19, 0x00)]
            : tmp102.read(0x19, 0x00);
      port.expect(...tmpSteps, ...sht31.read(), ...bme280.read(), ...mpu6050.read());
      phase = 'tick';
      exports.tick(BigInt(Math.floor(port.nowUsValue / 1000)));
      phase = 'idle';
      port.finish();
      expect(sendCommand([0x01, 3, 0xc8, 0x00])).toBe(OK);
      expect(sendCommand([0x03, cycle, 0x10])).toBe(OK);
      expect(sendCommand([0x02, 0xe8, 0x03, 0, 0])).toBe(OK);
      expect(sendCommand([0x42])).toBe(UNSUPPORTED);
      port.nowUsValue += 1_000_000;
      if (cycle === 0) endAfterWarmUp = heapEnd();
    }
    expect(port.logs.filter((log) => log.level === WARNING)).toHaveLength(10);
    expect(heapEnd()).toBe(endAfterWarmUp);
    expect(exports.memory.buffer.byteLength).toBe(65536);
  });
});
