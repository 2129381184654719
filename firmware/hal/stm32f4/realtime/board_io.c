/* board.h's identity, I2C and GPIO calls for boards on real hardware, over the board's bus and pin map. */
#include "board_io.h"

#include "../../../boards/board.h"
#include "../uid.h"

link_str_t board_device_id(void) {
  return uid_device_id();
}

double board_seed(void) {
  return uid_seed();
}

hal_status_t board_i2c_transfer(uint8_t address, const uint8_t *write, size_t write_length, uint8_t *read,
                                size_t read_length) {
  return i2c_transfer(&board_i2c_bus, address, write, write_length, read, read_length);
}

hal_status_t board_gpio_mode(uint32_t pin, uint8_t mode) {
  return pins_mode(&board_pin_map, pin, mode);
}

hal_status_t board_gpio_write(uint32_t pin, uint8_t level) {
  return pins_write(&board_pin_map, pin, level);
}

hal_status_t board_gpio_read(uint32_t pin, uint8_t *level) {
  return pins_read(&board_pin_map, pin, level);
}

bool board_gpio_output_level(uint32_t pin, uint8_t *level) {
  return pins_output_level(&board_pin_map, pin, level);
}
