/*
 * BME280 (Bosch BST-BME280-DS002) §4.2.3 / §8.2, Bosch's integer compensation in plain C, as
 * drivers/bme280/convert.ts has it: one copy for the C sensor-node (bme280.c) and the compensation workload
 * (../workloads.c). Inline, so each caller's compiler sees it as the translated app's sees its own.
 */
#ifndef WASMOTE_BENCH_NODE_BME280_COMPENSATION_H
#define WASMOTE_BENCH_NODE_BME280_COMPENSATION_H

#include <stdint.h>

#include "bits.h"

/* Table 16, each dig_* widened to int32_t with its datasheet signedness. */
typedef struct {
  int32_t t1, t2, t3;
  int32_t p1, p2, p3, p4, p5, p6, p7, p8, p9;
  int32_t h1, h2, h3, h4, h5, h6;
} bme280_calibration_t;

/* §4.2.3 BME280_compensate_T_int32's t_fine. */
static inline int32_t bme280_compensate_t_fine(int32_t adc_t, const bme280_calibration_t *c) {
  int32_t var1 = mul32((adc_t >> 3) - shl32(c->t1, 1), c->t2) >> 11;
  int32_t delta = (adc_t >> 4) - c->t1;
  int32_t var2 = mul32(mul32(delta, delta) >> 12, c->t3) >> 14;
  return var1 + var2;
}

/* BME280_compensate_T_int32's result, in 0.01 °C. */
static inline int32_t bme280_temperature_centi_c_from_t_fine(int32_t t_fine) {
  return (mul32(t_fine, 5) + 128) >> 8;
}

/* BME280_compensate_P_int64: Pa as Q24.8; 0 when dig_P1 makes it undefined. */
static inline uint32_t bme280_compensate_pressure_q24_8(int32_t adc_p, int32_t t_fine, const bme280_calibration_t *c) {
  int64_t var1 = (int64_t)t_fine - 128000;
  int64_t var2 = mul64(mul64(var1, var1), c->p6);
  var2 = var2 + shl64(mul64(var1, c->p5), 17);
  var2 = var2 + shl64(c->p4, 35);
  var1 = (mul64(mul64(var1, var1), c->p3) >> 8) + shl64(mul64(var1, c->p2), 12);
  var1 = mul64(shl64(1, 47) + var1, c->p1) >> 33;
  if (var1 == 0) return 0;
  int64_t p = 1048576 - (int64_t)adc_p;
  p = mul64(shl64(p, 31) - var2, 3125) / var1;
  var1 = mul64(mul64(c->p9, p >> 13), p >> 13) >> 25;
  var2 = mul64(c->p8, p) >> 19;
  p = ((p + var1 + var2) >> 8) + shl64(c->p7, 4);
  return (uint32_t)p;
}

/* bme280_compensate_H_int32: %RH as Q22.10, clamped to 0..100 %RH. */
static inline uint32_t bme280_compensate_humidity_q22_10(int32_t adc_h, int32_t t_fine, const bme280_calibration_t *c) {
  int32_t v = t_fine - 76800;
  v = mul32((shl32(adc_h, 14) - shl32(c->h4, 20) - mul32(c->h5, v) + 16384) >> 15,
            (mul32((mul32(mul32(v, c->h6) >> 10, (mul32(v, c->h3) >> 11) + 32768) >> 10) + 2097152, c->h2) + 8192) >>
                14);
  v = v - (mul32(mul32(v >> 15, v >> 15) >> 7, c->h1) >> 4);
  v = v < 0 ? 0 : v;
  v = v > 419430400 ? 419430400 : v;
  return (uint32_t)(v >> 12);
}

#endif
