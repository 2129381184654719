// sensor-node: the default app. At init it probes the four supported chips and declares the metrics of those it
// finds; every interval it reads them and reports SI values. A sensor that fails is logged, re-initialised on
// the next cycle (so a chip that was unplugged, or lost its configuration, comes back) and makes the user LED
// blink an error pattern until a cycle passes without errors. Speaks HAL ABI 1.1 (docs/hal-abi.md): each metric
// is described with its kind and the sensor's range, the standard opcodes are declared, and the runner is told
// the report interval and the user LED's state.
//
// Nothing allocates after start-up: drivers and state are created once, I/O and log text use static buffers.
import { clockMs } from "../hal/clock";
import { announceInterval, Command, declareStandardCommands, LedMode, Opcode, parseCommand } from "../hal/commands";
import { LogLevel, logLine, logSend } from "../hal/log";
import { Status, statusName } from "../hal/status";
import {
  declareMetricWithRange,
  MetricKind,
  reportMetric,
  UNIT_CELSIUS,
  UNIT_METRES_PER_SECOND_SQUARED,
  UNIT_PASCAL,
  UNIT_RADIANS_PER_SECOND,
  UNIT_RELATIVE_HUMIDITY,
} from "../hal/telemetry";
import { Bme280 } from "../bme280/driver";
import * as bme280Facts from "../bme280/registers";
import { GpioLed } from "../led/gpio-led";
import { PwmLed } from "../led/pwm-led";
import { accelFullScaleMps2, gyroFullScaleRadPerS } from "../mpu6050/convert";
import { Mpu6050 } from "../mpu6050/driver";
import * as mpu6050Facts from "../mpu6050/registers";
import { AccelRange, GyroRange, MPU6050_ADDRESS } from "../mpu6050/registers";
import { Sht31 } from "../sht31/driver";
import * as sht31Facts from "../sht31/registers";
import { Tmp102 } from "../tmp102/driver";
import * as tmp102Facts from "../tmp102/registers";

/** docs/hal-abi.md §1: ABI 1.1. */
export const wasmote_abi_version: i32 = 0x00010001;

const DEFAULT_INTERVAL_MS: i64 = 1000;
/** The LED pattern while the last cycle had a sensor error: fast blink. */
const ERROR_BLINK_PERIOD_MS: i64 = 200;
/** §4.2, §4.3: pin 0 is the user LED, PWM channel 0 the dimmable LED. */
const LED_PIN: i32 = 0;
const LED_PWM_CHANNEL: i32 = 0;
const COMMAND_CAPACITY: i32 = 64;
const BYTES_PER_PAGE: i32 = 65536;

/** Fixed metric ids: the edge knows a metric by these across restarts. */
enum MetricId {
  Tmp102Temperature = 1,
  Sht31Temperature = 2,
  Sht31Humidity = 3,
  Bme280Temperature = 4,
  Bme280Pressure = 5,
  Bme280Humidity = 6,
  Mpu6050AccelX = 7,
  Mpu6050AccelY = 8,
  Mpu6050AccelZ = 9,
  Mpu6050GyroX = 10,
  Mpu6050GyroY = 11,
  Mpu6050GyroZ = 12,
  Mpu6050Temperature = 13,
}

enum Sensor {
  Tmp102 = 0,
  Sht31 = 1,
  Bme280 = 2,
  Mpu6050 = 3,
}

/** What the app tracks per sensor. */
class SensorSlot {
  /** Answered its probe at init: its metrics are declared and it is read every cycle. */
  present: bool = false;
  /** Initialise before the next read (its init or last read failed). */
  needsInit: bool = false;
  /** The outcome of the last cycle; a warning is logged only when it changes, not every interval. */
  lastStatus: i32 = Status.Ok;

  constructor(readonly sensor: Sensor, readonly name: string) {}
}

const tmp102 = new Tmp102();
const sht31 = new Sht31();
const bme280 = new Bme280();
/** ±4 g and ±500 °/s: room for hand-held knocks and turns at 8192 LSB/g and 65.5 LSB/(°/s). */
const mpu6050 = new Mpu6050(MPU6050_ADDRESS, AccelRange.G4, GyroRange.Dps500);
const slots: StaticArray<SensorSlot> = [
  new SensorSlot(Sensor.Tmp102, "tmp102"),
  new SensorSlot(Sensor.Sht31, "sht31"),
  new SensorSlot(Sensor.Bme280, "bme280"),
  new SensorSlot(Sensor.Mpu6050, "mpu6050"),
];

const led = new GpioLed(LED_PIN);
const dimmer = new PwmLed(LED_PWM_CHANNEL);
const commandBytes = memory.data(COMMAND_CAPACITY);
const parsedCommand = new Command();

let intervalMs: i64 = DEFAULT_INTERVAL_MS;
let nextReadingMs: i64 = 0;
/** Start of the last reading cycle, or -1 before the first. */
let lastReadingMs: i64 = -1;
let lastTickMs: i64 = 0;
/** The mode the LED command asked for (toggle is resolved to on or off); blink uses userBlinkPeriodMs. */
let userLedMode: i32 = LedMode.Off;
let userBlinkPeriodMs: i64 = 0;
let showingErrorPattern: bool = false;

// ---- the four sensors behind one switch each -------------------------------------------------------------

function probe(sensor: Sensor): i32 {
  switch (sensor) {
    case Sensor.Tmp102: return tmp102.probe();
    case Sensor.Sht31: return sht31.probe();
    case Sensor.Bme280: return bme280.probe();
    default: return mpu6050.probe();
  }
}

function initialise(sensor: Sensor): i32 {
  switch (sensor) {
    case Sensor.Tmp102: return tmp102.init();
    case Sensor.Sht31: return sht31.init();
    case Sensor.Bme280: return bme280.init();
    default: return mpu6050.init();
  }
}

/** Declares a number metric with the sensor's range; returns the first failure. */
function declareRanged(status: i32, id: MetricId, name: string, unit: string, min: f64, max: f64): i32 {
  return firstFailure(status, declareMetricWithRange(id, name, unit, MetricKind.Number, min, max));
}

/**
 * Declares the sensor's metrics with their ranges: the datasheets' specified or operating ranges, and the
 * MPU-6050's configured full scales (±4 g = ±39.2266 m/s², ±500 °/s = ±8.7266 rad/s). Returns the first failure.
 */
function declareMetrics(sensor: Sensor): i32 {
  let status: i32 = Status.Ok;
  switch (sensor) {
    case Sensor.Tmp102:
      status = declareRanged(status, MetricId.Tmp102Temperature, "tmp102.temperature", UNIT_CELSIUS,
        tmp102Facts.SPECIFIED_MIN_C, tmp102Facts.SPECIFIED_MAX_C);
      break;
    case Sensor.Sht31:
      status = declareRanged(status, MetricId.Sht31Temperature, "sht31.temperature", UNIT_CELSIUS,
        sht31Facts.SPECIFIED_TEMPERATURE_MIN_C, sht31Facts.SPECIFIED_TEMPERATURE_MAX_C);
      status = declareRanged(status, MetricId.Sht31Humidity, "sht31.humidity", UNIT_RELATIVE_HUMIDITY,
        sht31Facts.SPECIFIED_HUMIDITY_MIN_PERCENT, sht31Facts.SPECIFIED_HUMIDITY_MAX_PERCENT);
      break;
    case Sensor.Bme280:
      status = declareRanged(status, MetricId.Bme280Temperature, "bme280.temperature", UNIT_CELSIUS,
        bme280Facts.OPERATING_TEMPERATURE_MIN_C, bme280Facts.OPERATING_TEMPERATURE_MAX_C);
      status = declareRanged(status, MetricId.Bme280Pressure, "bme280.pressure", UNIT_PASCAL,
        bme280Facts.OPERATING_PRESSURE_MIN_PA, bme280Facts.OPERATING_PRESSURE_MAX_PA);
      status = declareRanged(status, MetricId.Bme280Humidity, "bme280.humidity", UNIT_RELATIVE_HUMIDITY,
        bme280Facts.OPERATING_HUMIDITY_MIN_PERCENT, bme280Facts.OPERATING_HUMIDITY_MAX_PERCENT);
      break;
    default: {
      const accel = UNIT_METRES_PER_SECOND_SQUARED;
      const gyro = UNIT_RADIANS_PER_SECOND;
      const accelMax = accelFullScaleMps2(mpu6050.accelRange);
      const gyroMax = gyroFullScaleRadPerS(mpu6050.gyroRange);
      status = declareRanged(status, MetricId.Mpu6050AccelX, "mpu6050.accel_x", accel, -accelMax, accelMax);
      status = declareRanged(status, MetricId.Mpu6050AccelY, "mpu6050.accel_y", accel, -accelMax, accelMax);
      status = declareRanged(status, MetricId.Mpu6050AccelZ, "mpu6050.accel_z", accel, -accelMax, accelMax);
      status = declareRanged(status, MetricId.Mpu6050GyroX, "mpu6050.gyro_x", gyro, -gyroMax, gyroMax);
      status = declareRanged(status, MetricId.Mpu6050GyroY, "mpu6050.gyro_y", gyro, -gyroMax, gyroMax);
      status = declareRanged(status, MetricId.Mpu6050GyroZ, "mpu6050.gyro_z", gyro, -gyroMax, gyroMax);
      status = declareRanged(status, MetricId.Mpu6050Temperature, "mpu6050.temperature", UNIT_CELSIUS,
        mpu6050Facts.TEMPERATURE_RANGE_MIN_C, mpu6050Facts.TEMPERATURE_RANGE_MAX_C);
    }
  }
  return status;
}

/** Reads the sensor and, if that worked, reports every value it gives. */
function readAndReport(sensor: Sensor): i32 {
  let status: i32;
  switch (sensor) {
    case Sensor.Tmp102:
      status = tmp102.read();
      if (status != Status.Ok) return status;
      reportMetric(MetricId.Tmp102Temperature, tmp102.temperatureC);
      return Status.Ok;
    case Sensor.Sht31:
      status = sht31.read();
      if (status != Status.Ok) return status;
      reportMetric(MetricId.Sht31Temperature, sht31.temperatureC);
      reportMetric(MetricId.Sht31Humidity, sht31.humidityPercent);
      return Status.Ok;
    case Sensor.Bme280:
      status = bme280.read();
      if (status != Status.Ok) return status;
      reportMetric(MetricId.Bme280Temperature, bme280.temperatureC);
      reportMetric(MetricId.Bme280Pressure, bme280.pressurePa);
      reportMetric(MetricId.Bme280Humidity, bme280.humidityPercent);
      return Status.Ok;
    default:
      status = mpu6050.read();
      if (status != Status.Ok) return status;
      reportMetric(MetricId.Mpu6050AccelX, mpu6050.accelXMps2);
      reportMetric(MetricId.Mpu6050AccelY, mpu6050.accelYMps2);
      reportMetric(MetricId.Mpu6050AccelZ, mpu6050.accelZMps2);
      reportMetric(MetricId.Mpu6050GyroX, mpu6050.gyroXRadPerS);
      reportMetric(MetricId.Mpu6050GyroY, mpu6050.gyroYRadPerS);
      reportMetric(MetricId.Mpu6050GyroZ, mpu6050.gyroZRadPerS);
      reportMetric(MetricId.Mpu6050Temperature, mpu6050.temperatureC);
      return Status.Ok;
  }
}

function firstFailure(first: i32, next: i32): i32 {
  return first != Status.Ok ? first : next;
}

// ---- logs ---------------------------------------------------------------------------------------------

/** "<what>: <step> failed: <status-name> (<code>)" */
function logFailure(level: LogLevel, what: string, step: string, status: i32): void {
  logLine().text(what).text(": ").text(step).text(" failed: ").text(statusName(status)).text(" (").int(status).text(")");
  logSend(level);
}

function logFoundSensors(): void {
  const line = logLine().text("sensor-node: found");
  let found = 0;
  for (let i = 0; i < slots.length; i++) {
    const slot = unchecked(slots[i]);
    if (!slot.present) continue;
    line.text(" ").text(slot.name);
    found++;
  }
  if (found == 0) line.text(" no sensors");
  logSend(LogLevel.Info);
}

// ---- one sensor per cycle --------------------------------------------------------------------------------

/** Initialises the sensor if it needs it, then reads it and reports. Returns the status of the step that ran last. */
function cycleSensor(slot: SensorSlot): i32 {
  if (slot.needsInit) {
    const status = initialise(slot.sensor);
    if (status != Status.Ok) {
      noteOutcome(slot, "init", status);
      return status;
    }
    slot.needsInit = false;
  }
  const status = readAndReport(slot.sensor);
  if (status != Status.Ok) slot.needsInit = true;
  noteOutcome(slot, "read", status);
  return status;
}

/** Logs a change of outcome: a warning for a new failure, info when the sensor works again. */
function noteOutcome(slot: SensorSlot, step: string, status: i32): void {
  if (status == slot.lastStatus) return;
  slot.lastStatus = status;
  if (status != Status.Ok) {
    logFailure(LogLevel.Warning, slot.name, step, status);
    return;
  }
  logLine().text(slot.name).text(": recovered");
  logSend(LogLevel.Info);
}

// ---- LED -----------------------------------------------------------------------------------------------

function applyUserLed(nowMs: i64): i32 {
  switch (userLedMode) {
    case LedMode.On: return led.on();
    case LedMode.Blink: return led.blink(userBlinkPeriodMs, nowMs);
    default: return led.off();
  }
}

/** Shows the error pattern while `errors`, the user's mode otherwise; acts only on a change. */
function showErrors(errors: bool, nowMs: i64): void {
  if (errors == showingErrorPattern) return;
  showingErrorPattern = errors;
  if (errors) led.blink(ERROR_BLINK_PERIOD_MS, nowMs);
  else applyUserLed(nowMs);
}

/** The monotonic time now, falling back to the last tick's if the clock is unavailable. */
function currentMs(): i64 {
  const nowMs = clockMs();
  return nowMs >= lastTickMs ? nowMs : lastTickMs;
}

// ---- the ABI exports (docs/hal-abi.md §2) -------------------------------------------------------------------

export function init(): void {
  let status = declareStandardCommands();
  if (status != Status.Ok) logFailure(LogLevel.Error, "sensor-node", "command declaration", status);
  announceInterval(intervalMs);
  // Switching the LED off at start-up also tells the runner its state (gpio-led.ts).
  status = led.configure();
  if (status != Status.Ok) logFailure(LogLevel.Warning, "led", "pin 0 setup", status);
  status = dimmer.setDutyU16(0);
  if (status != Status.Ok) logFailure(LogLevel.Warning, "led", "pwm 0 setup", status);

  for (let i = 0; i < slots.length; i++) {
    const slot = unchecked(slots[i]);
    status = probe(slot.sensor);
    if (status == Status.WrongIdentity) logFailure(LogLevel.Warning, slot.name, "identity check", status);
    if (status != Status.Ok) continue;
    slot.present = true;
    status = declareMetrics(slot.sensor);
    if (status != Status.Ok) logFailure(LogLevel.Error, slot.name, "metric declaration", status);
    status = initialise(slot.sensor);
    if (status != Status.Ok) {
      logFailure(LogLevel.Warning, slot.name, "init", status);
      slot.needsInit = true;
      slot.lastStatus = status;
    }
  }
  logFoundSensors();
}

/** Reads the sensors when the interval is due; returns the ms from `nowMs` until the next reading or LED edge. */
export function tick(nowMs: i64): u32 {
  lastTickMs = nowMs;
  // An LED edge due now switches before the sensor reads spend time in delay_us.
  led.update(nowMs);
  if (nowMs >= nextReadingMs) {
    let errors = false;
    for (let i = 0; i < slots.length; i++) {
      const slot = unchecked(slots[i]);
      if (slot.present && cycleSensor(slot) != Status.Ok) errors = true;
    }
    // Keep the cadence of the first reading even if a tick comes late; start afresh if a whole interval was missed.
    nextReadingMs = (lastReadingMs < 0 ? nowMs : nextReadingMs) + intervalMs;
    if (nextReadingMs <= nowMs) nextReadingMs = nowMs + intervalMs;
    lastReadingMs = nowMs;
    showErrors(errors, nowMs);
  }
  // §2: the delay counts from the tick's start, whatever time the sensor reads spent in delay_us.
  const untilLedEdgeMs = led.update(nowMs);
  const untilReadingMs = nextReadingMs > nowMs ? <u64>(nextReadingMs - nowMs) : 0;
  return untilReadingMs < <u64>untilLedEdgeMs ? <u32>untilReadingMs : untilLedEdgeMs;
}

/** §2: the static command buffer, or 0 when `len` exceeds it. */
export function command_buffer(len: i32): usize {
  return len >= 0 && len <= COMMAND_CAPACITY ? commandBytes : 0;
}

/** §6: LED, INTERVAL and BRIGHTNESS; app-specific opcodes are UNSUPPORTED (this app has none). */
export function command(ptr: usize, len: i32): i32 {
  const memoryBytes = <u64>memory.size() * BYTES_PER_PAGE;
  if (len < 0 || <u64>ptr + <u64>len > memoryBytes) return Status.BadArgument;
  const status = parseCommand(ptr, len, parsedCommand);
  if (status != Status.Ok) return status;
  switch (parsedCommand.opcode) {
    case Opcode.Led: {
      let mode = parsedCommand.ledMode;
      // Toggle flips the user's setting; blinking counts as on.
      if (mode == LedMode.Toggle) mode = userLedMode == LedMode.Off ? LedMode.On : LedMode.Off;
      userLedMode = mode;
      userBlinkPeriodMs = parsedCommand.blinkPeriodMs;
      // While the error pattern shows, the new mode waits for the errors to clear.
      return showingErrorPattern ? Status.Ok : applyUserLed(currentMs());
    }
    case Opcode.Interval:
      intervalMs = parsedCommand.intervalMs;
      if (lastReadingMs >= 0) nextReadingMs = lastReadingMs + intervalMs;
      announceInterval(intervalMs);
      return Status.Ok;
    case Opcode.Brightness:
      return dimmer.setDutyU16(parsedCommand.dutyU16);
    default:
      return Status.Unsupported;
  }
}
