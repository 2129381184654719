#include "workloads.h"

#include <string.h>

/* Knuth's multiplicative hash constant, as in workloads.ts. */
#define GOLDEN 0x9E3779B1u
#define FIR_TAPS 16
#define FIR_MASK (FIR_TAPS - 1)

/* Two's-complement shifts and products without C's undefined behaviour on signed overflow. */
static inline int32_t shl32(int32_t value, unsigned bits) {
  return (int32_t)((uint32_t)value << bits);
}

static inline int32_t mul32(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a * (uint32_t)b);
}

static inline int64_t shl64(int64_t value, unsigned bits) {
  return (int64_t)((uint64_t)value << bits);
}

static inline int64_t mul64(int64_t a, int64_t b) {
  return (int64_t)((uint64_t)a * (uint64_t)b);
}

static inline int32_t sign_extend(int32_t value, unsigned bits) {
  return shl32(value, 32 - bits) >> (32 - bits);
}

/* SHT3x-DIS §4.12: CRC-8, polynomial 0x31, init 0xFF, over the word's two bytes, most significant first. */
static int32_t sht31_crc8_word(int32_t word) {
  uint32_t crc = 0xFF;
  for (int shift = 8; shift >= 0; shift -= 8) {
    crc ^= (uint32_t)(word >> shift) & 0xFF;
    for (int bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x31) & 0xFF : (crc << 1) & 0xFF;
  }
  return (int32_t)crc;
}

/* §4.13 */
static double sht31_temperature_c(int32_t raw) {
  return -45.0 + (175.0 * raw) / 65535.0;
}

static double sht31_humidity_percent(int32_t raw) {
  return (100.0 * raw) / 65535.0;
}

/*
 * BST-BME280-DS002 §4.2.3 / §8.2, Bosch's integer compensation. The trimming values are read from each chip, so
 * they live in RAM as a driver keeps them (workloads_init() sets §8.1's worked example), not as constants the
 * compiler could fold.
 */
static struct {
  int32_t t1, t2, t3, p1, p2, p3, p4, p5, p6, p7, p8, p9, h1, h2, h3, h4, h5, h6;
} dig;

static int32_t bme280_t_fine(int32_t adc_t) {
  int32_t var1 = mul32((adc_t >> 3) - shl32(dig.t1, 1), dig.t2) >> 11;
  int32_t delta = (adc_t >> 4) - dig.t1;
  int32_t var2 = mul32(mul32(delta, delta) >> 12, dig.t3) >> 14;
  return var1 + var2;
}

static int32_t bme280_temperature_centi_c(int32_t t_fine) {
  return (mul32(t_fine, 5) + 128) >> 8;
}

static uint32_t bme280_pressure_q24_8(int32_t adc_p, int32_t t_fine) {
  int64_t var1 = (int64_t)t_fine - 128000;
  int64_t var2 = mul64(mul64(var1, var1), dig.p6);
  var2 = var2 + shl64(mul64(var1, dig.p5), 17);
  var2 = var2 + shl64(dig.p4, 35);
  var1 = (mul64(mul64(var1, var1), dig.p3) >> 8) + shl64(mul64(var1, dig.p2), 12);
  var1 = mul64(shl64(1, 47) + var1, dig.p1) >> 33;
  if (var1 == 0) return 0;
  int64_t p = 1048576 - (int64_t)adc_p;
  p = mul64(shl64(p, 31) - var2, 3125) / var1;
  var1 = mul64(mul64(dig.p9, p >> 13), p >> 13) >> 25;
  var2 = mul64(dig.p8, p) >> 19;
  p = ((p + var1 + var2) >> 8) + shl64(dig.p7, 4);
  return (uint32_t)p;
}

static uint32_t bme280_humidity_q22_10(int32_t adc_h, int32_t t_fine) {
  int32_t v = t_fine - 76800;
  v = mul32((shl32(adc_h, 14) - shl32(dig.h4, 20) - mul32(dig.h5, v) + 16384) >> 15,
            (mul32((mul32(mul32(v, dig.h6) >> 10, (mul32(v, dig.h3) >> 11) + 32768) >> 10) + 2097152, dig.h2) + 8192) >>
                14);
  v = v - (mul32(mul32(v >> 15, v >> 15) >> 7, dig.h1) >> 4);
  v = v < 0 ? 0 : v;
  v = v > 419430400 ? 419430400 : v;
  return (uint32_t)(v >> 12);
}

/* TMP102 (SBOS397 §7.5.4): bit 0 selects the 13-bit extended format, 0.0625 °C per LSB either way. */
static double tmp102_temperature_c(int32_t reg) {
  int32_t code = reg & 1 ? sign_extend(reg >> 3, 13) : sign_extend(reg >> 4, 12);
  return code * 0.0625;
}

/* MPU-6050 (PS-MPU-6000A §6.1, §6.2; RM §4.18): ±4 g is 8192 LSB/g, ±500 °/s is 65.5 LSB per °/s. */
#define STANDARD_GRAVITY_MPS2 9.80665
#define PI 3.141592653589793

static double mpu_accel_mps2(int32_t raw) {
  return (raw / 8192.0) * STANDARD_GRAVITY_MPS2;
}

static double mpu_gyro_rad_per_s(int32_t raw) {
  return (raw / 65.5) * (PI / 180.0);
}

static double mpu_temperature_c(int32_t raw) {
  return raw / 340.0 + 36.53;
}

static int32_t fold(int32_t checksum, double value) {
  uint64_t bits;
  memcpy(&bits, &value, sizeof bits);
  return checksum ^ (int32_t)bits ^ (int32_t)(bits >> 32);
}

static int32_t varied(int32_t i) {
  return (int32_t)(((uint32_t)i * GOLDEN) >> 16);
}

static int32_t sht31_crc(int32_t iterations) {
  int32_t checksum = 0;
  for (int32_t i = 0; i < iterations; i++) checksum = shl32(checksum, 1) ^ sht31_crc8_word(varied(i));
  return checksum;
}

static int32_t bme280_compensation(int32_t iterations) {
  int32_t checksum = 0;
  for (int32_t i = 0; i < iterations; i++) {
    int32_t spread = (int32_t)(((uint32_t)i * GOLDEN) >> 20);
    int32_t t_fine = bme280_t_fine(519888 + spread);
    checksum ^= bme280_temperature_centi_c(t_fine);
    checksum ^= (int32_t)bme280_pressure_q24_8(415148 + spread, t_fine);
    checksum ^= (int32_t)bme280_humidity_q22_10(30000 + spread, t_fine);
  }
  return checksum;
}

static float fir_coefficients[FIR_TAPS];
static float fir_history[FIR_TAPS];

static int32_t fir_filter(int32_t iterations) {
  int32_t checksum = 0;
  for (int32_t i = 0; i < iterations; i++) {
    fir_history[i & FIR_MASK] = (float)varied(i) * 0.001f;
    float y = 0;
    for (int32_t k = 0; k < FIR_TAPS; k++) y += fir_coefficients[k] * fir_history[(i - k) & FIR_MASK];
    int32_t bits;
    memcpy(&bits, &y, sizeof bits);
    checksum ^= bits;
  }
  return checksum;
}

static int32_t sensor_node_tick(int32_t iterations) {
  int32_t checksum = 0;
  for (int32_t i = 0; i < iterations; i++) {
    int32_t raw = varied(i);
    double sum = tmp102_temperature_c(raw & 0xFFF0);
    if (sht31_crc8_word(raw) == sht31_crc8_word(raw ^ 1)) sum += 1;
    sum += sht31_temperature_c(raw) + sht31_humidity_percent(raw ^ 0x5555);
    int32_t t_fine = bme280_t_fine(519888 + (raw >> 4));
    sum += bme280_temperature_centi_c(t_fine) / 100.0;
    sum += bme280_pressure_q24_8(415148 + (raw >> 4), t_fine) / 256.0;
    sum += bme280_humidity_q22_10(30000 + (raw >> 4), t_fine) / 1024.0;
    int32_t value = sign_extend(raw, 16);
    for (int32_t axis = 0; axis < 3; axis++) sum += mpu_accel_mps2(value + axis) + mpu_gyro_rad_per_s(value - axis);
    sum += mpu_temperature_c(value);
    checksum = fold(checksum, sum);
  }
  return checksum;
}

void workloads_init(void) {
  dig.t1 = 27504;
  dig.t2 = 26435;
  dig.t3 = -1000;
  dig.p1 = 36477;
  dig.p2 = -10685;
  dig.p3 = 3024;
  dig.p4 = 2855;
  dig.p5 = 140;
  dig.p6 = -7;
  dig.p7 = 15500;
  dig.p8 = -14600;
  dig.p9 = 6000;
  dig.h1 = 75;
  dig.h2 = 362;
  dig.h3 = 0;
  dig.h4 = 324;
  dig.h5 = 0;
  dig.h6 = 30;
  for (int k = 0; k < FIR_TAPS; k++) fir_coefficients[k] = (float)(k + 1) / 136.0f;
}

int32_t workload_run(workload_t workload, int32_t iterations) {
  int32_t checksum = 0;
  switch (workload) {
    case WORKLOAD_SHT31_CRC:
      checksum = sht31_crc(iterations);
      break;
    case WORKLOAD_BME280_COMPENSATION:
      checksum = bme280_compensation(iterations);
      break;
    case WORKLOAD_FIR_FILTER:
      checksum = fir_filter(iterations);
      break;
    case WORKLOAD_SENSOR_NODE_TICK:
      checksum = sensor_node_tick(iterations);
      break;
  }
  return checksum & 0x7FFFFFFF;
}
