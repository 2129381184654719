/*
 * A canned TMP102 (TI SBOS397): a pointer register selecting one of four 16-bit registers (§6.5.1), read and
 * written most significant byte first (§6.3.5); the temperature register is read-only and holds 25 °C.
 */
#include "responder.h"

#include "../node/bits.h"

/* §6.5.1: P1:P0. */
#define POINTER_MASK 0x03
#define POINTER_TEMPERATURE 0x00
#define POINTER_CONFIGURATION 0x01
#define REGISTERS 4
#define REGISTER_BYTES 2
/* §6.5.2: 25 °C is the 12-bit code 0x190, left-justified. */
#define TEMPERATURE_25_C 0x1900
/* §6.5.3: the power-up configuration. */
#define CONFIG_POWER_UP 0x60A0

static uint16_t registers[REGISTERS] = {
    [POINTER_TEMPERATURE] = TEMPERATURE_25_C,
    [POINTER_CONFIGURATION] = CONFIG_POWER_UP,
};
static uint8_t pointer;

hal_status_t responder_tmp102(const uint8_t *write, size_t write_length, uint8_t *read, size_t read_length) {
  if (write_length > 0) pointer = write[0] & POINTER_MASK;
  if (write_length == 1 + REGISTER_BYTES && pointer != POINTER_TEMPERATURE) {
    registers[pointer] = (uint16_t)(write[1] << BITS_PER_BYTE | write[2]);
  }
  for (size_t i = 0; i < read_length; i++) {
    read[i] = (uint8_t)(i % REGISTER_BYTES == 0 ? registers[pointer] >> BITS_PER_BYTE : registers[pointer]);
  }
  return HAL_OK;
}
