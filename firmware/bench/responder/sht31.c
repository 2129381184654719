/*
 * A canned SHT31 (Sensirion SHT3x-DIS): 16-bit commands (§4), each answer word followed by its CRC-8 (§4.12).
 * A measurement reads 25 °C and 60 %RH; the status register is as after a reset.
 */
#include "responder.h"

#include <string.h>

#include "../node/bits.h"

/* §4.3 Table 9, §4.9 Table 13, §4.11 Table 16. */
#define COMMAND_MEASURE_HIGH_NO_STRETCH 0x2400
#define COMMAND_SOFT_RESET 0x30A2
#define COMMAND_READ_STATUS 0xF32D
#define COMMAND_BYTES 2

/*
 * §4.13: S_T = 0x6666 is -45 + 175 · 0.4 = 25 °C, S_RH = 0x9999 is 100 · 0.6 = 60 %RH. §4.11: 0x8010, alert
 * pending and reset detected, after a reset. Each word's CRC by §4.12 (which gives 0xBEEF → 0x92).
 */
static const uint8_t MEASUREMENT[] = {0x66, 0x66, 0x93, 0x99, 0x99, 0xBE};
static const uint8_t STATUS_AFTER_RESET[] = {0x80, 0x10, 0xE1};

/* The bytes the next read returns: none until a command asks for some. */
static const uint8_t *answer;
static size_t answer_length;

static hal_status_t command(uint16_t code) {
  switch (code) {
    case COMMAND_MEASURE_HIGH_NO_STRETCH:
      answer = MEASUREMENT;
      answer_length = sizeof MEASUREMENT;
      return HAL_OK;
    case COMMAND_READ_STATUS:
      answer = STATUS_AFTER_RESET;
      answer_length = sizeof STATUS_AFTER_RESET;
      return HAL_OK;
    case COMMAND_SOFT_RESET:
      answer_length = 0;
      return HAL_OK;
    default:
      return HAL_NACK_DATA;
  }
}

hal_status_t responder_sht31(const uint8_t *write, size_t write_length, uint8_t *read, size_t read_length) {
  if (write_length > 0) {
    if (write_length != COMMAND_BYTES) return HAL_NACK_DATA;
    hal_status_t status = command((uint16_t)(write[0] << BITS_PER_BYTE | write[1]));
    if (status != HAL_OK) return status;
  }
  if (read_length == 0) return HAL_OK;
  /* §4.3: without clock stretching, the sensor does not acknowledge a read header while it has nothing to send. */
  if (read_length > answer_length) return HAL_NACK_ADDRESS;
  memcpy(read, answer, read_length);
  answer_length = 0;
  return HAL_OK;
}
