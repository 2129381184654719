#include "led.h"

#include "../../hal/imports.h"

/* §4.2 gpio_mode: push-pull output. */
#define MODE_OUTPUT 1
#define LEVEL_LOW 0
#define LEVEL_HIGH 1
/* The shortest blink: one ms per half period. */
#define BLINK_PERIOD_MIN_MS 2
#define HALF_PERIODS 2

static hal_status_t set_level(node_led_t *led, bool lit) {
  led->lit = lit;
  return hal_gpio_write(led->pin, lit ? LEVEL_HIGH : LEVEL_LOW);
}

void node_led_setup(node_led_t *led, int32_t pin) {
  *led = (node_led_t){.pin = pin};
}

hal_status_t node_led_configure(node_led_t *led) {
  hal_status_t status = hal_gpio_mode(led->pin, MODE_OUTPUT);
  if (status != HAL_OK) return status;
  return node_led_off(led);
}

hal_status_t node_led_off(node_led_t *led) {
  led->blinking = false;
  return set_level(led, false);
}

hal_status_t node_led_blink(node_led_t *led, int64_t period_ms, int64_t now_ms) {
  led->blinking = true;
  led->half_period_ms = period_ms >= BLINK_PERIOD_MIN_MS ? period_ms / HALF_PERIODS : 1;
  led->next_edge_ms = now_ms + led->half_period_ms;
  return set_level(led, true);
}

uint32_t node_led_update(node_led_t *led, int64_t now_ms) {
  if (!led->blinking) return NODE_LED_NO_EDGE;
  if (now_ms >= led->next_edge_ms) {
    set_level(led, !led->lit);
    led->next_edge_ms += led->half_period_ms;
    if (led->next_edge_ms <= now_ms) led->next_edge_ms = now_ms + led->half_period_ms;
  }
  return (uint32_t)(led->next_edge_ms - now_ms);
}
