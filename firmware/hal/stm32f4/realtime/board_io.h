/*
 * What a board on real hardware hands the shared glue in board_io.c: its I2C bus and its logical pins. The board
 * defines both (boards/<name>/board.c); board_io.c answers board.h's identity, I2C and GPIO calls with them.
 */
#ifndef WASMOTE_STM32F4_BOARD_IO_H
#define WASMOTE_STM32F4_BOARD_IO_H

#include "../i2c.h"
#include "../pins.h"

extern i2c_bus_t board_i2c_bus;
extern const pin_map_t board_pin_map;

#endif
