/* GPIO and PWM (docs/hal-abi.md §4.2, §4.3) that accept every call the HAL lets through, and tap it. */
#include "responder.h"

#include "../tick/tap.h"

/* Which call a tapped pin word came from. */
typedef enum { PIN_GPIO_MODE = 1, PIN_GPIO_WRITE = 2, PIN_PWM_SET = 3 } pin_call_t;

static hal_status_t tap_pin(pin_call_t call, uint32_t pin, uint32_t value) {
  tap_fold(call);
  tap_fold(pin);
  tap_fold(value);
  return HAL_OK;
}

hal_status_t __wrap_board_gpio_mode(uint32_t pin, uint8_t mode) {
  return tap_pin(PIN_GPIO_MODE, pin, mode);
}

hal_status_t __wrap_board_gpio_write(uint32_t pin, uint8_t level) {
  return tap_pin(PIN_GPIO_WRITE, pin, level);
}

hal_status_t __wrap_board_pwm_set(uint32_t channel, uint16_t duty) {
  return tap_pin(PIN_PWM_SET, channel, duty);
}
