/*
 * The logical GPIO pins of a board (hal-abi.md §4.2): each maps to a port pin; the board keeps each pin's mode
 * so a write to a pin that is not an output is refused as the simulator refuses it (host/sim/virtual-pins.ts).
 */
#ifndef WASMOTE_STM32F4_PINS_H
#define WASMOTE_STM32F4_PINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../status.h"
#include "gpio.h"

typedef struct {
  gpio_pin_t pin;
  /* hal-abi.md §4.2: pin 0, the user LED, reads as active high to the app whatever its wiring. */
  uint8_t active_low;
} logical_pin_t;

typedef struct {
  const logical_pin_t *pins;
  /* One per pin: the hal-abi.md §4.2 mode last set, 0 (input) at reset. */
  uint8_t *modes;
  size_t count;
} pin_map_t;

hal_status_t pins_mode(const pin_map_t *map, uint32_t pin, uint8_t mode);
hal_status_t pins_write(const pin_map_t *map, uint32_t pin, uint8_t level);
hal_status_t pins_read(const pin_map_t *map, uint32_t pin, uint8_t *level);
/* Whether `pin` is an output, and then the level it drives as the app sees it. */
bool pins_output_level(const pin_map_t *map, uint32_t pin, uint8_t *level);

#endif
