/*
 * The peripherals of the firmware-in-the-loop board (docs/firmware.md, "Firmware in the loop"): each I2C, GPIO or
 * PWM call goes to the host as a PROXY_REQUEST (docs/link-protocol.md §4.7), where the simulator's virtual chips
 * answer it with a PROXY_RESPONSE (§4.8). Like every computation on this board, a call takes no device time
 * (virtual_clock.c), as in the simulator. A call the host does not answer in time fails with HAL_TIMEOUT.
 */
#ifndef WASMOTE_HAL_PROXY_H
#define WASMOTE_HAL_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../status.h"

hal_status_t proxy_i2c_transfer(uint8_t address, const uint8_t *write, size_t write_length, uint8_t *read,
                                size_t read_length);
hal_status_t proxy_gpio_mode(uint32_t pin, uint8_t mode);
hal_status_t proxy_gpio_write(uint32_t pin, uint8_t level);
hal_status_t proxy_gpio_read(uint32_t pin, uint8_t *level);
hal_status_t proxy_pwm_set(uint32_t channel, uint16_t duty);

/*
 * The outputs HEARTBEAT reports as the host's board drives them, kept here from the calls it acknowledged, so that
 * reading them asks the host nothing (board.h): pin 0, the LED, and PWM channel 0. Other pins read as inputs,
 * other channels as 0.
 */
bool proxy_gpio_output_level(uint32_t pin, uint8_t *level);
uint16_t proxy_pwm_duty(uint32_t channel);

#endif
