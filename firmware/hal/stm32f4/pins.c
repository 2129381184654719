#include "pins.h"

/* hal-abi.md §4.2 modes. */
#define MODE_OUTPUT 1u
#define MODE_PULL_UP 2u
#define MODE_PULL_DOWN 3u

hal_status_t pins_mode(const pin_map_t *map, uint32_t pin, uint8_t mode) {
  if (pin >= map->count) return HAL_UNSUPPORTED;
  const logical_pin_t *logical = &map->pins[pin];
  gpio_enable_port(logical->pin.port);
  gpio_pull_t pull = mode == MODE_PULL_UP ? GPIO_PULL_UP : mode == MODE_PULL_DOWN ? GPIO_PULL_DOWN : GPIO_PULL_NONE;
  gpio_configure(logical->pin, mode == MODE_OUTPUT ? GPIO_MODE_OUTPUT : GPIO_MODE_INPUT, pull);
  map->modes[pin] = mode;
  return HAL_OK;
}

hal_status_t pins_write(const pin_map_t *map, uint32_t pin, uint8_t level) {
  if (pin >= map->count) return HAL_UNSUPPORTED;
  if (map->modes[pin] != MODE_OUTPUT) return HAL_BAD_ARGUMENT;
  const logical_pin_t *logical = &map->pins[pin];
  gpio_set(logical->pin, level ^ logical->active_low);
  return HAL_OK;
}

hal_status_t pins_read(const pin_map_t *map, uint32_t pin, uint8_t *level) {
  if (pin >= map->count) return HAL_UNSUPPORTED;
  const logical_pin_t *logical = &map->pins[pin];
  *level = (uint8_t)(gpio_get(logical->pin) ^ logical->active_low);
  return HAL_OK;
}

bool pins_output_level(const pin_map_t *map, uint32_t pin, uint8_t *level) {
  if (pin >= map->count || map->modes[pin] != MODE_OUTPUT) return false;
  return pins_read(map, pin, level) == HAL_OK;
}
