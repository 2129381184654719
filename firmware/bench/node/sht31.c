#include "sht31.h"

#include <stdbool.h>

#include "../../hal/imports.h"
#include "i2c.h"
#include "status.h"

/* §3.3 Table 7: ADDR pin low. */
#define SHT31_ADDRESS 0x44
/* §4.3 Table 9: single shot, high repeatability, clock stretching disabled. */
#define COMMAND_MEASURE_HIGH_NO_STRETCH 0x2400
/* §4.9 Table 13 */
#define COMMAND_SOFT_RESET 0x30A2
/* §4.11 Table 16 */
#define COMMAND_READ_STATUS 0xF32D
/* §2.2 Table 4: max measurement duration at high repeatability, and the soft reset time t_SR. */
#define MEASUREMENT_TIME_HIGH_MAX_US 15000
#define SOFT_RESET_TIME_MAX_US 1500
/* §4.4: each word is followed by its CRC. */
#define WORD_WITH_CRC_BYTES 3
#define TEMPERATURE_WORD_AT 0
#define HUMIDITY_WORD_AT 3
#define CRC_AT 2
/* §4.13: T = -45 + 175 · S_T / (2^16 - 1) °C, RH = 100 · S_RH / (2^16 - 1) %. */
#define TEMPERATURE_OFFSET_C -45.0
#define TEMPERATURE_SPAN_C 175.0
#define HUMIDITY_SPAN_PERCENT 100.0
#define RAW_FULL_SCALE 65535.0

static bool word_crc_matches(const uint8_t *word) {
  return sht31_crc8_word(load_u16_be(word)) == word[CRC_AT];
}

static double temperature_c_from_raw(int32_t raw) {
  return TEMPERATURE_OFFSET_C + (TEMPERATURE_SPAN_C * (double)raw) / RAW_FULL_SCALE;
}

static double humidity_percent_from_raw(int32_t raw) {
  return (HUMIDITY_SPAN_PERCENT * (double)raw) / RAW_FULL_SCALE;
}

void sht31_setup(sht31_t *chip) {
  *chip = (sht31_t){.address = SHT31_ADDRESS};
}

int32_t sht31_probe(sht31_t *chip) {
  hal_status_t status = node_i2c_write_command16(chip->address, COMMAND_READ_STATUS);
  if (status != HAL_OK) return status;
  status = node_i2c_read_bytes(chip->address, chip->rx, WORD_WITH_CRC_BYTES);
  if (status != HAL_OK) return status;
  if (!word_crc_matches(chip->rx)) return NODE_CRC;
  chip->status_register = load_u16_be(chip->rx);
  return HAL_OK;
}

int32_t sht31_init(sht31_t *chip) {
  hal_status_t status = node_i2c_write_command16(chip->address, COMMAND_SOFT_RESET);
  if (status != HAL_OK) return status;
  status = hal_delay_us(SOFT_RESET_TIME_MAX_US);
  if (status != HAL_OK) return status;
  return sht31_probe(chip);
}

int32_t sht31_read(sht31_t *chip) {
  hal_status_t status = node_i2c_write_command16(chip->address, COMMAND_MEASURE_HIGH_NO_STRETCH);
  if (status != HAL_OK) return status;
  status = hal_delay_us(MEASUREMENT_TIME_HIGH_MAX_US);
  if (status != HAL_OK) return status;
  status = node_i2c_read_bytes(chip->address, chip->rx, SHT31_MEASUREMENT_BYTES);
  if (status != HAL_OK) return status;
  const uint8_t *temperature_word = chip->rx + TEMPERATURE_WORD_AT;
  const uint8_t *humidity_word = chip->rx + HUMIDITY_WORD_AT;
  if (!word_crc_matches(temperature_word) || !word_crc_matches(humidity_word)) return NODE_CRC;
  chip->temperature_c = temperature_c_from_raw(load_u16_be(temperature_word));
  chip->humidity_percent = humidity_percent_from_raw(load_u16_be(humidity_word));
  return HAL_OK;
}
