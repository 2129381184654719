/*
 * An on/off LED on a GPIO pin (docs/hal-abi.md §4.2), as drivers/led/gpio-led.ts: blinking is advanced by the
 * tick, update() switching the level when an edge is due and returning the ms until the next one.
 */
#ifndef WASMOTE_BENCH_NODE_LED_H
#define WASMOTE_BENCH_NODE_LED_H

#include <stdbool.h>
#include <stdint.h>

#include "../../hal/status.h"

/* update()'s answer when the LED has no edge coming (steady on or off). */
#define NODE_LED_NO_EDGE UINT32_MAX

typedef struct {
  int32_t pin;
  bool lit;
  bool blinking;
  int64_t half_period_ms;
  int64_t next_edge_ms;
} node_led_t;

void node_led_setup(node_led_t *led, int32_t pin);

/* Makes the pin an output and switches the LED off. */
hal_status_t node_led_configure(node_led_t *led);
hal_status_t node_led_off(node_led_t *led);

/* Blinks with `period_ms` per full on+off cycle (at least 2 ms), starting lit at `now_ms`. */
hal_status_t node_led_blink(node_led_t *led, int64_t period_ms, int64_t now_ms);

/* Switches the level if a blink edge is due at `now_ms`; returns the ms until the next edge, or NODE_LED_NO_EDGE. */
uint32_t node_led_update(node_led_t *led, int64_t now_ms);

#endif
