/*
 * What a board gives the firmware: its start-up, its identity and the peripherals behind the HAL imports.
 * Each board folder implements this header and nothing else (docs/firmware.md, "Adding a board"); the HAL
 * imports have checked every argument against docs/hal-abi.md §4 before calling here.
 */
#ifndef WASMOTE_BOARDS_BOARD_H
#define WASMOTE_BOARDS_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../hal/status.h"
#include "../link/bytes.h"
#include "../link/cobs.h"

/* Clocks, pins, the link's UART, the monotonic clock and the watchdog; called first thing in main(). */
void board_init(void);

/* HELLO's device_id: at most 32 bytes (docs/link-protocol.md §4.1). */
link_str_t board_device_id(void);

/*
 * HELLO's capabilities (docs/link-protocol.md §4.1): LINK_CAPABILITY_REBOOT on every board (board_reboot() resets
 * the chip), LINK_CAPABILITY_PROXY where the peripherals are tunnelled to the host (firmware in the loop).
 */
uint16_t board_capabilities(void);

/* env.seed (docs/hal-abi.md §5): the seed of the app's Math.random on this device. */
double board_seed(void);

/* Sends bytes of the device link, in order, without loss. */
void board_link_transmit(void *context, const uint8_t *bytes, size_t length);

/*
 * Restarts the firmware at the host's request: waits for what board_link_transmit sent to leave the UART, then
 * resets with the next boot's cause BOOT_REBOOT (hal/boot.h).
 */
__attribute__((noreturn)) void board_reboot(void);

/*
 * One I2C transaction (docs/hal-abi.md §4.1): START, `write`, a repeated START and `read` when both are
 * given, STOP. `address` is 0x08..0x77; either phase may be empty, not both.
 */
hal_status_t board_i2c_transfer(uint8_t address, const uint8_t *write, size_t write_length, uint8_t *read,
                                size_t read_length);

/* docs/hal-abi.md §4.2: logical pins, pin 0 the user LED; mode 0..3, level 0..1. */
hal_status_t board_gpio_mode(uint32_t pin, uint8_t mode);
hal_status_t board_gpio_write(uint32_t pin, uint8_t level);
hal_status_t board_gpio_read(uint32_t pin, uint8_t *level);

/* docs/hal-abi.md §4.3: logical channels, channel 0 the dimmable LED; duty 0..65535 at 1 kHz. */
hal_status_t board_pwm_set(uint32_t channel, uint16_t duty);

/*
 * What HEARTBEAT reports of the outputs (docs/link-protocol.md §4.8), as the board drives them: whether `pin` is an
 * output (its last mode was 1) and then its level as the app sees it; and PWM `channel`'s duty, 0 on a channel the
 * board lacks or has not set since reset.
 */
bool board_gpio_output_level(uint32_t pin, uint8_t *level);
uint16_t board_pwm_duty(uint32_t channel);

#endif
