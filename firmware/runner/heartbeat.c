#include "heartbeat.h"

#include "../boards/board.h"
#include "../hal/clock.h"
#include "../hal/telemetry.h"
#include "../link/device.h"
#include "../link/inbox.h"

#define PERIOD_US ((uint64_t)HEARTBEAT_PERIOD_MS * US_PER_MS)
/* hal-abi.md §4.2, §4.3: pin 0 is the user LED, PWM channel 0 the dimmable one. */
#define LED_PIN 0u
#define LED_PWM_CHANNEL 0u

static uint64_t due_us;

void heartbeat_start(void) {
  due_us = PERIOD_US;
}

uint64_t heartbeat_due_us(void) {
  return due_us;
}

void heartbeat_send(uint64_t now_us, link_heartbeat_t *beat) {
  while (due_us + PERIOD_US <= now_us) due_us += PERIOD_US;
  beat->uptime_ms = due_us / US_PER_MS;
  due_us += PERIOD_US;
  beat->heartbeat_period_ms = HEARTBEAT_PERIOD_MS;
  beat->rx = inbox_rx_counts();
  beat->commands_dropped = inbox_commands_dropped();
  beat->led_mode = telemetry_led_mode();
  /* hal-abi.md §4.7: the period counts only while blinking. */
  beat->led_period_ms = beat->led_mode == LINK_LED_BLINKING ? telemetry_led_period_ms() : 0;
  uint8_t level;
  beat->led_level = board_gpio_output_level(LED_PIN, &level) ? level : LINK_LED_LEVEL_NONE;
  beat->brightness_u16 = board_pwm_duty(LED_PWM_CHANNEL);
  beat->report_interval_ms = telemetry_report_interval_ms();
  link_message_t message = {.type = LINK_TYPE_HEARTBEAT, .as.heartbeat = *beat};
  link_device_send(&message);
}
