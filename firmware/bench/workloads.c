#include "workloads.h"

#include <string.h>

#include "node/bits.h"
#include "node/bme280_compensation.h"
#include "node/sht31.h"

/* Knuth's multiplicative hash constant, as in workloads.ts. */
#define GOLDEN 0x9E3779B1u
#define FIR_TAPS 16
#define FIR_MASK (FIR_TAPS - 1)

/*
 * The trimming values are read from each chip, so they live in RAM as a driver keeps them (workloads_init() sets
 * BST-BME280-DS002 §8.1's worked example), not as constants the compiler could fold.
 */
static bme280_calibration_t dig;

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
    int32_t t_fine = bme280_compensate_t_fine(519888 + spread, &dig);
    checksum ^= bme280_temperature_centi_c_from_t_fine(t_fine);
    checksum ^= (int32_t)bme280_compensate_pressure_q24_8(415148 + spread, t_fine, &dig);
    checksum ^= (int32_t)bme280_compensate_humidity_q22_10(30000 + spread, t_fine, &dig);
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
  }
  return checksum & 0x7FFFFFFF;
}
