/* One PWM output on a general-purpose timer, TIM2..TIM5 (RM0090 §18; RM0383 §13), at 1 kHz (hal-abi.md §4.3). */
#ifndef WASMOTE_STM32F4_PWM_H
#define WASMOTE_STM32F4_PWM_H

#include <stdint.h>

#include "gpio.h"

/* §2.3 memory map. */
#define TIM4_BASE 0x40000800u

typedef struct {
  uint32_t timer_base;
  /* The timer's enable bit in RCC_APB1ENR (§7.3.13). */
  uint32_t rcc_enable;
  /* The timer's input clock: twice APB1's when APB1 is divided (§7.2, clock tree). */
  uint32_t timer_clock_hz;
  /* Capture/compare channel 1..4. */
  uint8_t channel;
  gpio_pin_t pin;
  uint8_t alternate_function;
} pwm_output_t;

void pwm_init(const pwm_output_t *output);
/* duty_u16 as a fraction of 65535: 0 off, 65535 always on. */
void pwm_set(const pwm_output_t *output, uint16_t duty_u16);

#endif
