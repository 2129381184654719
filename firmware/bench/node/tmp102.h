/* TMP102 (TI SBOS397) in plain C, as drivers/tmp102/driver.ts: probe, configure, read the temperature register. */
#ifndef WASMOTE_BENCH_NODE_TMP102_H
#define WASMOTE_BENCH_NODE_TMP102_H

#include <stdint.h>

/* §6.3.5: every register is 16 bits, most significant byte first. */
#define TMP102_REGISTER_BYTES 2

typedef struct {
  int32_t address;
  /* The last temperature read successfully. */
  double temperature_c;
  uint8_t rx[TMP102_REGISTER_BYTES];
} tmp102_t;

/* As constructed: the default address, no reading yet. */
void tmp102_setup(tmp102_t *chip);

/* The configuration register's fixed bits (§6.5.3; no ID register): OK, WRONG_IDENTITY or the bus status. */
int32_t tmp102_probe(tmp102_t *chip);

/* Probe, the power-up configuration (continuous 4 Hz, 12-bit), then one conversion time's wait. */
int32_t tmp102_init(tmp102_t *chip);

/* Reads the latest conversion into temperature_c (either register format). */
int32_t tmp102_read(tmp102_t *chip);

#endif
