/**
 * Bosch's integer compensation for the BME280 (BST-BME280-DS002 §4.2.3: BME280_compensate_T_int32,
 * BME280_compensate_P_int64, bme280_compensate_H_int32), bit-exact with the C code on a 32-bit MCU (int32
 * arithmetic wraps, `>>` is arithmetic), and its inverse: the raw ADC value for which a driver's compensation
 * gives back a physical quantity. The virtual BME280 uses the inverse to produce its data registers.
 */

/** The trimming parameters (§4.2.2, Table 16). */
export interface Bme280Calibration {
  digT1: number; // unsigned short
  digT2: number; // signed short
  digT3: number; // signed short
  digP1: number; // unsigned short
  digP2: number;
  digP3: number;
  digP4: number;
  digP5: number;
  digP6: number;
  digP7: number;
  digP8: number;
  digP9: number; // signed shorts
  digH1: number; // unsigned char
  digH2: number; // signed short
  digH3: number; // unsigned char
  digH4: number; // signed, 12 bits
  digH5: number; // signed, 12 bits
  digH6: number; // signed char
}

/**
 * The temperature and pressure trimming of the worked example in the BMP280 datasheet (BST-BMP280-DS001 §3.12,
 * which the BME280 shares), with a plausible humidity set (dig_H1..H6 of a typical part).
 */
export const BME280_EXAMPLE_CALIBRATION: Readonly<Bme280Calibration> = {
  digT1: 27504,
  digT2: 26435,
  digT3: -1000,
  digP1: 36477,
  digP2: -10685,
  digP3: 3024,
  digP4: 2855,
  digP5: 140,
  digP6: -7,
  digP7: 15500,
  digP8: -14600,
  digP9: 6000,
  digH1: 75,
  digH2: 362,
  digH3: 0,
  digH4: 324,
  digH5: 50,
  digH6: 30,
};

/** §5.4.7/§5.4.8: pressure and temperature are 20-bit ADC values, humidity 16-bit (§5.4.9). */
export const ADC_20_BIT_MAX = 0xfffff;
export const ADC_16_BIT_MAX = 0xffff;

/** §4.2.3: T = (t_fine·5 + 128) >> 8 in 0.01 °C, so one t_fine step is 1/5120 °C. */
export const T_FINE_PER_C = 5120;
/** §4.2.3: pressure is returned in Q24.8 Pa, humidity in Q22.10 %RH. */
export const PRESSURE_Q24_8_PER_PA = 256;
export const HUMIDITY_Q22_10_PER_PCT = 1024;
/** bme280_compensate_H_int32 clamps its Q22.10 << 12 intermediate to 100 %RH. */
const HUMIDITY_INTERMEDIATE_MAX = 419430400;
const HUMIDITY_INTERMEDIATE_PER_PCT = HUMIDITY_Q22_10_PER_PCT * 4096;

// ---- compensation (§4.2.3) -------------------------------------------------------------------------------

/** BME280_compensate_T_int32: t_fine (carried into P and H) and the temperature in 0.01 °C. */
export function compensateTemperature(adcT: number, cal: Bme280Calibration): { tFine: number; centiC: number } {
  const var1 = Math.imul((adcT >> 3) - (cal.digT1 << 1), cal.digT2) >> 11;
  const x = (adcT >> 4) - cal.digT1;
  const var2 = Math.imul(Math.imul(x, x) >> 12, cal.digT3) >> 14;
  const tFine = (var1 + var2) | 0;
  return { tFine, centiC: (Math.imul(tFine, 5) + 128) >> 8 };
}

/** The t_fine-dependent half of BME280_compensate_P_int64, shared by every adc_P at one temperature. */
interface PressureTerms {
  var1: bigint;
  var2: bigint;
  digP7Shifted: bigint;
  digP8: bigint;
  digP9: bigint;
  /** The same terms as doubles, for the fast path (which checks they are small enough to be exact). */
  var1Number: number;
  var2Number: number;
}

const int64 = (value: bigint): bigint => BigInt.asIntN(64, value);
/** Integers below this magnitude are exact in a double, so no int64 result can have wrapped. */
const EXACT_LIMIT = 2 ** 52;
/** ((p << 31) − var2)·3125 must not wrap int64 either. */
const NUMERATOR_LIMIT = 2 ** 63 / 3125;

function pressureTerms(tFine: number, cal: Bme280Calibration): PressureTerms {
  let var1 = int64(BigInt(tFine) - 128000n);
  let var2 = int64(var1 * var1 * BigInt(cal.digP6));
  var2 = int64(var2 + int64((var1 * BigInt(cal.digP5)) << 17n));
  var2 = int64(var2 + (BigInt(cal.digP4) << 35n));
  var1 = int64((int64(var1 * var1 * BigInt(cal.digP3)) >> 8n) + int64((var1 * BigInt(cal.digP2)) << 12n));
  var1 = int64(int64((1n << 47n) + var1) * BigInt(cal.digP1)) >> 33n;
  return {
    var1,
    var2,
    digP7Shifted: BigInt(cal.digP7) << 4n,
    digP8: BigInt(cal.digP8),
    digP9: BigInt(cal.digP9),
    var1Number: Number(var1),
    var2Number: Number(var2),
  };
}

/** The C code's 64-bit arithmetic, literally: every product and sum wraps to int64 before it is shifted. */
function compensatePressureBigInt(adcP: number, terms: PressureTerms): number {
  let p = BigInt(1048576 - adcP);
  p = int64(int64(int64(int64(p << 31n) - terms.var2) * 3125n) / terms.var1);
  const var1 = int64(terms.digP9 * (p >> 13n) * (p >> 13n)) >> 25n;
  const var2 = int64(terms.digP8 * p) >> 19n;
  p = int64((int64(p + var1 + var2) >> 8n) + terms.digP7Shifted);
  return Number(BigInt.asUintN(32, p));
}

/**
 * The same arithmetic in doubles, exact while every intermediate stays below 2⁵² (true for real trimming
 * parameters); undefined when one would not, and the caller falls back to BigInt.
 */
function compensatePressureFast(adcP: number, terms: PressureTerms): number | undefined {
  const divisor = terms.var1Number;
  if (Math.abs(divisor) >= EXACT_LIMIT || Math.abs(terms.var2Number) >= EXACT_LIMIT) return undefined;
  const numerator = (1048576 - adcP) * 2 ** 31 - terms.var2Number; // (p << 31) − var2
  if (Math.abs(numerator) >= NUMERATOR_LIMIT) return undefined;
  // trunc(numerator·3125 / divisor) without forming the 64-bit product: numerator = q·divisor + r, r of the
  // numerator's sign and |r| < |divisor|, then q·3125 + trunc(r·3125/divisor).
  let quotient = Math.trunc(numerator / divisor);
  let remainder = numerator - quotient * divisor;
  const towardZero = Math.sign(numerator) * Math.sign(divisor);
  while (remainder !== 0 && Math.sign(remainder) !== Math.sign(numerator)) {
    quotient -= towardZero;
    remainder = numerator - quotient * divisor;
  }
  while (Math.abs(remainder) >= Math.abs(divisor)) {
    quotient += towardZero;
    remainder = numerator - quotient * divisor;
  }
  const p = quotient * 3125 + Math.trunc((remainder * 3125) / divisor);
  const pShifted = Math.floor(p / 2 ** 13);
  const squareTerm = Number(terms.digP9) * pShifted * pShifted;
  const linearTerm = Number(terms.digP8) * p;
  if (Math.abs(p) >= EXACT_LIMIT || Math.abs(squareTerm) >= EXACT_LIMIT || Math.abs(linearTerm) >= EXACT_LIMIT) {
    return undefined;
  }
  const var1 = Math.floor(squareTerm / 2 ** 25);
  const var2 = Math.floor(linearTerm / 2 ** 19);
  const result = Math.floor((p + var1 + var2) / 256) + Number(terms.digP7Shifted);
  return ((result % 2 ** 32) + 2 ** 32) % 2 ** 32; // (BME280_U32_t)p
}

function compensatePressureWith(adcP: number, terms: PressureTerms): number {
  if (terms.var1 === 0n) return 0; // "avoid exception caused by division by zero"
  return compensatePressureFast(adcP, terms) ?? compensatePressureBigInt(adcP, terms);
}

/** For tests: BME280_compensate_P_int64 through its BigInt path only. */
export function compensatePressureExact(adcP: number, tFine: number, cal: Bme280Calibration): number {
  const terms = pressureTerms(tFine, cal);
  return terms.var1 === 0n ? 0 : compensatePressureBigInt(adcP, terms);
}

/** BME280_compensate_P_int64: pressure in Q24.8 Pa (24674867 → 24674867/256 = 96386.2 Pa). */
export function compensatePressure(adcP: number, tFine: number, cal: Bme280Calibration): number {
  return compensatePressureWith(adcP, pressureTerms(tFine, cal));
}

/** bme280_compensate_H_int32 before its clamp to 0..100 %RH: Q22.10 %RH shifted left by 12. */
function humidityIntermediate(adcH: number, tFine: number, cal: Bme280Calibration): number {
  let v = (tFine - 76800) | 0;
  const first = ((((adcH << 14) - (cal.digH4 << 20) - Math.imul(cal.digH5, v)) | 0) + 16384) >> 15;
  const inner = Math.imul(Math.imul(v, cal.digH6) >> 10, (Math.imul(v, cal.digH3) >> 11) + 32768);
  const second = (Math.imul((inner >> 10) + 2097152, cal.digH2) + 8192) >> 14;
  v = Math.imul(first, second);
  const squared = Math.imul(v >> 15, v >> 15) >> 7;
  return (v - (Math.imul(squared, cal.digH1) >> 4)) | 0;
}

/** bme280_compensate_H_int32: relative humidity in Q22.10 %RH (47445 → 47445/1024 = 46.333 %RH). */
export function compensateHumidity(adcH: number, tFine: number, cal: Bme280Calibration): number {
  const v = Math.min(HUMIDITY_INTERMEDIATE_MAX, Math.max(0, humidityIntermediate(adcH, tFine, cal)));
  return v >> 12;
}

// ---- inverse ---------------------------------------------------------------------------------------------

/** Half-width of the window the bisection tries first around a float estimate of the answer. */
const GUESS_WINDOW = 8;

/**
 * The `adc` in `[0, max]` whose `f(adc)` is closest to `target`, for `f` monotonic (non-decreasing when
 * `increasing`, else non-increasing). Ends clamp: a target beyond the range gives 0 or `max`. A `guess` only
 * narrows the search when the window around it brackets the answer, so it never changes the result.
 */
function closestAdc(
  max: number,
  target: number,
  increasing: boolean,
  f: (adc: number) => number,
  guess?: number,
): number {
  const sign = increasing ? 1 : -1;
  const goal = sign * target;
  let lo = 0;
  let hi = max;
  if (guess !== undefined && Number.isFinite(guess)) {
    const windowLo = Math.round(guess) - GUESS_WINDOW;
    const windowHi = Math.round(guess) + GUESS_WINDOW;
    if (windowLo > 0 && windowHi <= max && sign * f(windowLo) < goal && sign * f(windowHi) >= goal) {
      lo = windowLo + 1;
      hi = windowHi;
    }
  }
  // The first adc with sign·f(adc) >= goal.
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sign * f(mid) >= goal) hi = mid;
    else lo = mid + 1;
  }
  if (lo === 0) return 0;
  const below = Math.abs(sign * f(lo - 1) - goal);
  const at = Math.abs(sign * f(lo) - goal);
  return below < at ? lo - 1 : lo;
}

/** The 20-bit adc_T whose t_fine is closest to `temperatureC` (t_fine/5120 °C), clamped to the ADC range. */
export function rawTemperatureFor(temperatureC: number, cal: Bme280Calibration): number {
  return closestAdc(ADC_20_BIT_MAX, temperatureC * T_FINE_PER_C, true, (adc) => compensateTemperature(adc, cal).tFine);
}

/** Bounded memo of the pressure inverse, the costly one (64-bit arithmetic at every bisection step). */
const PRESSURE_CACHE_LIMIT = 65_536;
const pressureCache = new Map<string, number>();
const calibrationIds = new WeakMap<Bme280Calibration, number>();
let nextCalibrationId = 0;

function calibrationId(cal: Bme280Calibration): number {
  let id = calibrationIds.get(cal);
  if (id === undefined) {
    id = nextCalibrationId++;
    calibrationIds.set(cal, id);
  }
  return id;
}

/**
 * The 20-bit adc_P for which BME280_compensate_P_int64 at `tFine` gives the pressure closest to `pressurePa`.
 * The target is first rounded to the output's Q24.8 resolution, so the answer is a pure function of
 * (calibration, t_fine, Q24.8 target) and can be memoised without changing any result. `cal` must not be
 * mutated after its first use here.
 */
export function rawPressureFor(pressurePa: number, tFine: number, cal: Bme280Calibration): number {
  const targetQ24_8 = Math.round(pressurePa * PRESSURE_Q24_8_PER_PA);
  const key = `${calibrationId(cal)}:${tFine}:${targetQ24_8}`;
  const cached = pressureCache.get(key);
  if (cached !== undefined) return cached;
  const terms = pressureTerms(tFine, cal);
  const exact = (candidate: number): number => compensatePressureWith(candidate, terms);
  const adc = closestAdc(ADC_20_BIT_MAX, targetQ24_8, false, exact, estimateRawPressure(targetQ24_8, terms));
  if (pressureCache.size >= PRESSURE_CACHE_LIMIT) pressureCache.clear();
  pressureCache.set(key, adc);
  return adc;
}

/** BME280_compensate_P_int64 in doubles: within a few Q24.8 counts of the exact one, and cheap. */
function approximatePressure(adcP: number, terms: PressureTerms): number {
  const p = (((1048576 - adcP) * 2 ** 31 - terms.var2Number) * 3125) / terms.var1Number;
  const shifted = p / 2 ** 13;
  const var1 = (Number(terms.digP9) * shifted * shifted) / 2 ** 25;
  const var2 = (Number(terms.digP8) * p) / 2 ** 19;
  return (p + var1 + var2) / 256 + Number(terms.digP7Shifted);
}

/** A float estimate of the inverse by a few secant steps on the double version: the exact search's start. */
function estimateRawPressure(targetQ24_8: number, terms: PressureTerms): number {
  if (terms.var1 === 0n) return Number.NaN;
  let x0 = ADC_20_BIT_MAX * 0.25;
  let x1 = ADC_20_BIT_MAX * 0.75;
  let f0 = approximatePressure(x0, terms) - targetQ24_8;
  let f1 = approximatePressure(x1, terms) - targetQ24_8;
  for (let step = 0; step < 4 && f1 !== f0; step++) {
    const x2 = x1 - (f1 * (x1 - x0)) / (f1 - f0);
    [x0, f0] = [x1, f1];
    x1 = x2;
    f1 = approximatePressure(x1, terms) - targetQ24_8;
  }
  return x1;
}

/**
 * The 16-bit adc_H for which bme280_compensate_H_int32 at `tFine` gives the humidity closest to
 * `humidityPct`. The search runs on the formula before its 0..100 %RH clamp, so 0 % and 100 % land where the
 * formula crosses them rather than at an arbitrary clamped code.
 */
export function rawHumidityFor(humidityPct: number, tFine: number, cal: Bme280Calibration): number {
  const target = humidityPct * HUMIDITY_INTERMEDIATE_PER_PCT;
  return closestAdc(ADC_16_BIT_MAX, target, true, (adc) => humidityIntermediate(adc, tFine, cal));
}
