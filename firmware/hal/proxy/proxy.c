#include "proxy.h"

#include <string.h>

#include "../../link/device.h"
#include "../../link/inbox.h"
#include "../clock.h"
#include "../stm32f4/systick.h"

/* §4.7: a PROXY_REQUEST names its pin or channel in one byte. */
#define TARGET_MAX 0xFFu
/* §4.8: GPIO_READ answers the level in one byte. */
#define LEVEL_BYTES 1

static uint16_t next_request_id;

/*
 * Sends `request` and waits for its response, with real time stopped (systick.h); copies `read_length` bytes of
 * its data to `read`. A response whose data does not have the length asked for is a bus error.
 */
static hal_status_t exchange(link_proxy_request_t *request, uint8_t *read, size_t read_length) {
  systick_pause();
  request->request_id = next_request_id++;
  request->time_us = clock_now_us();
  inbox_expect_response(request->request_id);
  link_message_t message = {.type = LINK_TYPE_PROXY_REQUEST, .as.proxy_request = *request};
  link_device_send(&message);
  while (!inbox_has_response()) systick_wait(inbox_has_response);
  const inbox_response_t *response = inbox_response();
  hal_status_t status = (hal_status_t)response->status;
  if (status == HAL_OK && response->length != read_length) status = HAL_BUS_ERROR;
  if (status == HAL_OK && read_length > 0) memcpy(read, response->data, read_length);
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

hal_status_t proxy_gpio_mode(uint32_t pin, uint8_t mode) {
  if (pin > TARGET_MAX) return HAL_UNSUPPORTED;
  link_proxy_request_t request = {.op = LINK_PROXY_GPIO_MODE, .target = (uint8_t)pin, .value = mode};
  return exchange(&request, NULL, 0);
}

hal_status_t proxy_gpio_write(uint32_t pin, uint8_t level) {
  if (pin > TARGET_MAX) return HAL_UNSUPPORTED;
  link_proxy_request_t request = {.op = LINK_PROXY_GPIO_WRITE, .target = (uint8_t)pin, .value = level};
  return exchange(&request, NULL, 0);
}

hal_status_t proxy_gpio_read(uint32_t pin, uint8_t *level) {
  if (pin > TARGET_MAX) return HAL_UNSUPPORTED;
  link_proxy_request_t request = {.op = LINK_PROXY_GPIO_READ, .target = (uint8_t)pin};
  return exchange(&request, level, LEVEL_BYTES);
}

hal_status_t proxy_pwm_set(uint32_t channel, uint16_t duty) {
  if (channel > TARGET_MAX) return HAL_UNSUPPORTED;
  link_proxy_request_t request = {.op = LINK_PROXY_PWM_SET, .target = (uint8_t)channel, .duty = duty};
  return exchange(&request, NULL, 0);
}
