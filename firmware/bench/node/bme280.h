/*
 * BME280 (Bosch BST-BME280-DS002) in plain C, as drivers/bme280/driver.ts: chip-id check, soft reset,
 * trimming-parameter readout, forced-mode measurements at oversampling ×1, Bosch's integer compensation.
 */
#ifndef WASMOTE_BENCH_NODE_BME280_H
#define WASMOTE_BENCH_NODE_BME280_H

#include <stdint.h>

#include "bme280_compensation.h"

/* §4.2.2 Table 16: calib00..calib25 (0x88..0xA1) and calib26..calib32 (0xE1..0xE7). */
#define BME280_CALIBRATION_TP_BYTES 26
#define BME280_CALIBRATION_H_BYTES 7
/* §5.4.7..§5.4.9: press_msb 0xF7 .. hum_lsb 0xFE. */
#define BME280_DATA_BYTES 8


typedef struct {
  int32_t address;
  /* The trimming parameters read by the last successful init. */
  bme280_calibration_t calibration;
  /* The last values read successfully. */
  double temperature_c;
  double pressure_pa;
  double humidity_percent;
  uint8_t calibration_tp[BME280_CALIBRATION_TP_BYTES];
  uint8_t calibration_h[BME280_CALIBRATION_H_BYTES];
  uint8_t data[BME280_DATA_BYTES];
  uint8_t one_byte[1];
} bme280_t;

void bme280_setup(bme280_t *chip);

/* Reads chip_id (§5.4.1): OK for 0x60, WRONG_IDENTITY otherwise, or the bus status. */
int32_t bme280_probe(bme280_t *chip);

/* Probe, soft reset (§5.4.2), the start-up time, the NVM copy (§5.4.4), then the trimming parameters (§4.2.2). */
int32_t bme280_init(bme280_t *chip);

/* One forced measurement: ctrl_hum, ctrl_meas, the §9.1 maximum wait, a burst read of 0xF7..0xFE, compensation. */
int32_t bme280_read(bme280_t *chip);

#endif
