/*
 * The whole-tick image's bus and pins (docs/firmware.md, "Benchmark"): linked in place of the board's with
 * ld --wrap (host/firmware/build.ts), so I2C is answered inside the image by four canned chips at their default
 * addresses, and both sides do the same bus work deterministically, whatever the host. The boards stay as they are.
 * Every call is folded into the tap (tick/tap.h).
 */
#ifndef WASMOTE_BENCH_RESPONDER_H
#define WASMOTE_BENCH_RESPONDER_H

#include <stddef.h>
#include <stdint.h>

#include "../../hal/status.h"

hal_status_t __wrap_board_i2c_transfer(uint8_t address, const uint8_t *write, size_t write_length, uint8_t *read,
                                       size_t read_length);
hal_status_t __wrap_board_gpio_mode(uint32_t pin, uint8_t mode);
hal_status_t __wrap_board_gpio_write(uint32_t pin, uint8_t level);
hal_status_t __wrap_board_pwm_set(uint32_t channel, uint16_t duty);

/*
 * Each chip's face of one transaction, as board.h's board_i2c_transfer gives it: `write` then `read`, either
 * possibly empty. Datasheet timing (conversions, a measurement's NACKs) is not modelled: the waits are skipped.
 */
hal_status_t responder_tmp102(const uint8_t *write, size_t write_length, uint8_t *read, size_t read_length);
hal_status_t responder_sht31(const uint8_t *write, size_t write_length, uint8_t *read, size_t read_length);
hal_status_t responder_bme280(const uint8_t *write, size_t write_length, uint8_t *read, size_t read_length);
hal_status_t responder_mpu6050(const uint8_t *write, size_t write_length, uint8_t *read, size_t read_length);

#endif
