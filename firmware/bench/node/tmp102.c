#include "tmp102.h"

#include <stdbool.h>

#include "../../hal/imports.h"
#include "bits.h"
#include "i2c.h"
#include "status.h"

/* §6.3.4: A0 tied to GND. */
#define TMP102_ADDRESS 0x48
/* §6.5.1: P1:P0 selects the register the next read returns. */
#define POINTER_TEMPERATURE 0x00
#define POINTER_CONFIGURATION 0x01
/* §6.5.3: R1:R0 (D14:D13) always read 11, D3:D0 read 0. */
#define CONFIG_RESOLUTION_MASK 0x6000
#define CONFIG_RESOLUTION_12_BIT 0x6000
#define CONFIG_UNUSED_MASK 0x000F
/* §6.5.3: the power-up value, continuous conversion at 4 Hz, normal 12-bit mode, comparator mode. */
#define CONFIG_POWER_UP 0x60A0
/* §5.5: conversion time, max. */
#define CONVERSION_TIME_MAX_US 35000
/* §6.5.2: D0 tells the format, normal (12-bit) or extended (13-bit); 0.0625 °C per LSB either way. */
#define TEMPERATURE_EXTENDED_FLAG 0x0001
#define TEMPERATURE_BITS_NORMAL 12
#define TEMPERATURE_SHIFT_NORMAL 4
#define TEMPERATURE_BITS_EXTENDED 13
#define TEMPERATURE_SHIFT_EXTENDED 3
#define CELSIUS_PER_LSB 0.0625

static double temperature_c_from_register(int32_t reg) {
  return (reg & TEMPERATURE_EXTENDED_FLAG) != 0
             ? (double)sign_extend(reg >> TEMPERATURE_SHIFT_EXTENDED, TEMPERATURE_BITS_EXTENDED) * CELSIUS_PER_LSB
             : (double)sign_extend(reg >> TEMPERATURE_SHIFT_NORMAL, TEMPERATURE_BITS_NORMAL) * CELSIUS_PER_LSB;
}

void tmp102_setup(tmp102_t *chip) {
  *chip = (tmp102_t){.address = TMP102_ADDRESS};
}

int32_t tmp102_probe(tmp102_t *chip) {
  hal_status_t status = node_i2c_read_registers(chip->address, POINTER_CONFIGURATION, chip->rx, TMP102_REGISTER_BYTES);
  if (status != HAL_OK) return status;
  int32_t config = load_u16_be(chip->rx);
  bool fixed_bits_match =
      (config & CONFIG_RESOLUTION_MASK) == CONFIG_RESOLUTION_12_BIT && (config & CONFIG_UNUSED_MASK) == 0;
  return fixed_bits_match ? HAL_OK : NODE_WRONG_IDENTITY;
}

int32_t tmp102_init(tmp102_t *chip) {
  int32_t status = tmp102_probe(chip);
  if (status != HAL_OK) return status;
  status = node_i2c_write_register16_be(chip->address, POINTER_CONFIGURATION, CONFIG_POWER_UP);
  if (status != HAL_OK) return status;
  return hal_delay_us(CONVERSION_TIME_MAX_US);
}

int32_t tmp102_read(tmp102_t *chip) {
  hal_status_t status = node_i2c_read_registers(chip->address, POINTER_TEMPERATURE, chip->rx, TMP102_REGISTER_BYTES);
  if (status != HAL_OK) return status;
  chip->temperature_c = temperature_c_from_register(load_u16_be(chip->rx));
  return HAL_OK;
}
