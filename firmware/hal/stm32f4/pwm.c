#include "pwm.h"

#include "rcc.h"

/* §18.4 registers. */
#define TIM_CR1(base) MMIO32((base) + 0x00u)
#define TIM_EGR(base) MMIO32((base) + 0x14u)
#define TIM_CCMR(base, channel) MMIO32((base) + 0x18u + 4u * (((channel) - 1u) / 2u))
#define TIM_CCER(base) MMIO32((base) + 0x20u)
#define TIM_PSC(base) MMIO32((base) + 0x28u)
#define TIM_ARR(base) MMIO32((base) + 0x2Cu)
#define TIM_CCR(base, channel) MMIO32((base) + 0x34u + 4u * ((channel) - 1u))
/* §18.4.1, §18.4.6 */
#define CR1_CEN (1u << 0)
#define CR1_ARPE (1u << 7)
#define EGR_UG (1u << 0)
/* §18.4.7: OCxM = 110 (PWM mode 1) and OCxPE, in the channel's byte of CCMR. */
#define CCMR_PWM_MODE_1 (0x6u << 4)
#define CCMR_PRELOAD (1u << 3)
#define CCMR_CHANNEL_BITS 8u
/* §18.4.9: CCxE, four bits per channel. */
#define CCER_ENABLE_BITS 4u
/* hal-abi.md §4.3: 1 kHz; counting at 1 MHz gives 1000 steps per period. */
#define COUNT_HZ 1000000u
#define STEPS_PER_PERIOD 1000u
#define DUTY_FULL 65535u

void pwm_init(const pwm_output_t *output) {
  uint32_t base = output->timer_base;
  RCC_APB1ENR |= output->rcc_enable;
  gpio_enable_port(output->pin.port);
  gpio_configure_alternate(output->pin, output->alternate_function, 0);
  TIM_PSC(base) = output->timer_clock_hz / COUNT_HZ - 1u;
  TIM_ARR(base) = STEPS_PER_PERIOD - 1u;
  TIM_CCR(base, output->channel) = 0;
  uint32_t shift = CCMR_CHANNEL_BITS * ((output->channel - 1u) % 2u);
  TIM_CCMR(base, output->channel) |= (CCMR_PWM_MODE_1 | CCMR_PRELOAD) << shift;
  TIM_CCER(base) |= 1u << (CCER_ENABLE_BITS * (output->channel - 1u));
  TIM_EGR(base) = EGR_UG;
  TIM_CR1(base) = CR1_ARPE | CR1_CEN;
}

void pwm_set(const pwm_output_t *output, uint16_t duty_u16) {
  /* PWM mode 1: high while the count is below CCR; CCR = 1000 keeps it high for the whole period. */
  TIM_CCR(output->timer_base, output->channel) = (duty_u16 * STEPS_PER_PERIOD + DUTY_FULL / 2) / DUTY_FULL;
}
