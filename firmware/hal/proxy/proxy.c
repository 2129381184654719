#include "proxy.h"

#include <string.h>

#include "../../link/device.h"
#include "../../link/inbox.h"
#include "../clock.h"
#include "../stm32f4/systick.h"

/* §4.7: a PROXY_REQUEST names its pin or channel in one byte. */
#define TARGET_MAX 0xFFu
/* docs/hal-abi.md §4.2 modes that matter for the levels kept here. */
#define GPIO_MODE_PUSH_PULL 1u
#define GPIO_MODE_PULL_UP 2u
/* hal-abi.md §4.2: pin 0 is the user LED, the one pin whose state HEARTBEAT reports. */
#define LED_PIN 0u
/* §4.8: GPIO_READ answers the level in one byte. */
#define LEVEL_BYTES 1

/*
 * How long a tunnelled call waits for its response before it fails with HAL_TIMEOUT (docs/hal-abi.md §3), in
 * real time that runs on while the app's is paused (systick_uptime_ms). Under QEMU a millisecond of the wait is
 * 125 000 instructions of polling (-icount shift=3: 8 ns each), which a host emulates in about a millisecond
 * or less. Hosts answer within a few ms, and within a few hundred while a busy 2-core machine starts several
 * QEMUs and simulators at once; a second leaves room beyond that.
 */
#define RESPONSE_TIMEOUT_MS 1000u

static uint16_t next_request_id;

/*
 * Polls rather than sleeps: under QEMU's -icount with sleep=off a sleep jumps emulated time to the next SysTick
 * interrupt, so a timeout counted across sleeps would pass in no host time. While polling, emulated time only
 * advances with the instructions run.
 */
static bool await_response(void) {
  uint64_t deadline_ms = systick_uptime_ms() + RESPONSE_TIMEOUT_MS;
  while (!inbox_has_response()) {
    if (systick_uptime_ms() >= deadline_ms) return false;
  }
  return true;
}

/*
 * Sends `request` and waits for its response, with the app's real time stopped (systick.h); copies `read_length`
 * bytes of its data to `read`. A response whose data does not have the length asked for is a bus error; one that
 * does not come in time is a timeout, and the inbox drops it if it comes later.
 */
static hal_status_t exchange(link_proxy_request_t *request, uint8_t *read, size_t read_length) {
  systick_pause();
  request->request_id = next_request_id++;
  request->time_us = clock_now_us();
  inbox_expect_response(request->request_id);
  link_message_t message = {.type = LINK_TYPE_PROXY_REQUEST, .as.proxy_request = *request};
  link_device_send(&message);
  hal_status_t status = HAL_TIMEOUT;
  if (await_response()) {
    const inbox_response_t *response = inbox_response();
    status = (hal_status_t)response->status;
    if (status == HAL_OK && response->length != read_length) status = HAL_BUS_ERROR;
    if (status == HAL_OK && read_length > 0) memcpy(read, response->data, read_length);
  }
  inbox_expect_no_response();
  systick_resume();
  return status;
}

hal_status_t proxy_i2c_transfer(uint8_t address, const uint8_t *write, size_t write_length, uint8_t *read,
                                size_t read_length) {
  link_proxy_request_t request = {
      .op = write_length == 0 ? LINK_PROXY_I2C_READ : read_length == 0 ? LINK_PROXY_I2C_WRITE : LINK_PROXY_I2C_WRITE_READ,
      .target = address,
      .read_length = (uint8_t)read_length,
      .data = write,
      .data_length = (uint8_t)write_length,
  };
  return exchange(&request, read, read_length);
}

/* The LED pin as the host's board drives it (a low input at reset), and PWM channel 0's duty. */
static bool led_output;
static uint8_t led_level;
static uint16_t channel0_duty;

hal_status_t proxy_gpio_mode(uint32_t pin, uint8_t mode) {
  if (pin > TARGET_MAX) return HAL_UNSUPPORTED;
  link_proxy_request_t request = {.op = LINK_PROXY_GPIO_MODE, .target = (uint8_t)pin, .value = mode};
  hal_status_t status = exchange(&request, NULL, 0);
  /* host/sim/virtual-pins.ts: an input's level follows its pull; an output keeps the level it had. */
  if (status == HAL_OK && pin == LED_PIN) {
    led_output = mode == GPIO_MODE_PUSH_PULL;
    if (!led_output) led_level = mode == GPIO_MODE_PULL_UP;
  }
  return status;
}

hal_status_t proxy_gpio_write(uint32_t pin, uint8_t level) {
  if (pin > TARGET_MAX) return HAL_UNSUPPORTED;
  link_proxy_request_t request = {.op = LINK_PROXY_GPIO_WRITE, .target = (uint8_t)pin, .value = level};
  hal_status_t status = exchange(&request, NULL, 0);
  if (status == HAL_OK && pin == LED_PIN) led_level = level;
  return status;
}

bool proxy_gpio_output_level(uint32_t pin, uint8_t *level) {
  if (pin != LED_PIN || !led_output) return false;
  *level = led_level;
  return true;
}

uint16_t proxy_pwm_duty(uint32_t channel) {
  return channel == 0 ? channel0_duty : 0;
}

hal_status_t proxy_gpio_read(uint32_t pin, uint8_t *level) {
  if (pin > TARGET_MAX) return HAL_UNSUPPORTED;
  link_proxy_request_t request = {.op = LINK_PROXY_GPIO_READ, .target = (uint8_t)pin};
  return exchange(&request, level, LEVEL_BYTES);
}

hal_status_t proxy_pwm_set(uint32_t channel, uint16_t duty) {
  if (channel > TARGET_MAX) return HAL_UNSUPPORTED;
  link_proxy_request_t request = {.op = LINK_PROXY_PWM_SET, .target = (uint8_t)channel, .duty = duty};
  hal_status_t status = exchange(&request, NULL, 0);
  if (status == HAL_OK && channel == 0) channel0_duty = duty;
  return status;
}
