/* I2C master on the STM32F4 I2C peripheral, 100 kHz standard mode, polled (RM0090 §27; RM0383 §18). */
#ifndef WASMOTE_STM32F4_I2C_H
#define WASMOTE_STM32F4_I2C_H

#include <stddef.h>
#include <stdint.h>

#include "../status.h"
#include "gpio.h"

/* §2.3 memory map. */
#define I2C1_BASE 0x40005400u

typedef struct {
  uint32_t base;
  /* The APB1 clock feeding the peripheral (§27.6.2 FREQ). */
  uint32_t pclk1_hz;
  gpio_pin_t scl;
  gpio_pin_t sda;
  /* The pins' alternate function number (datasheet, alternate function mapping). */
  uint8_t alternate_function;
} i2c_bus_t;

void i2c_init(const i2c_bus_t *bus);

/* One transaction (hal-abi.md §4.1): the write phase, a repeated START and the read phase, then STOP. */
hal_status_t i2c_transfer(const i2c_bus_t *bus, uint8_t address, const uint8_t *write, size_t write_length,
                          uint8_t *read, size_t read_length);

#endif
