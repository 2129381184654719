#include "rcc.h"

/* A bound on each ready-flag wait at the 16 MHz HSI: far longer than the HSE's and the PLL's start-up. */
#define READY_WAIT_LOOPS 1000000u

static int wait_until_set(volatile uint32_t *reg, uint32_t mask, uint32_t value) {
  for (uint32_t i = 0; i < READY_WAIT_LOOPS; i++) {
    if ((*reg & mask) == value) return 1;
  }
  return 0;
}

int rcc_use_pll(const rcc_pll_config_t *config) {
  RCC_APB1ENR |= RCC_APB1ENR_PWREN;
  PWR_CR |= PWR_CR_VOS_SCALE1;
  RCC_CR |= RCC_CR_HSEON | (config->hse_bypass ? RCC_CR_HSEBYP : 0u);
  if (!wait_until_set(&RCC_CR, RCC_CR_HSERDY, RCC_CR_HSERDY)) return 0;
  /* §7.3.2: PLLP is encoded as p / 2 - 1. */
  RCC_PLLCFGR = config->m << RCC_PLLCFGR_PLLM_SHIFT | config->n << RCC_PLLCFGR_PLLN_SHIFT |
                (config->p / 2 - 1) << RCC_PLLCFGR_PLLP_SHIFT | RCC_PLLCFGR_PLLSRC_HSE |
                config->q << RCC_PLLCFGR_PLLQ_SHIFT;
  RCC_CR |= RCC_CR_PLLON;
  if (!wait_until_set(&RCC_CR, RCC_CR_PLLRDY, RCC_CR_PLLRDY)) return 0;
  /* §3.5.1: raise the wait states before the clock, so flash reads stay valid. */
  FLASH_ACR = FLASH_ACR_PRFTEN | FLASH_ACR_ICEN | FLASH_ACR_DCEN | config->flash_wait_states;
  RCC_CFGR = config->apb1_divider_bits << RCC_CFGR_PPRE1_SHIFT | config->apb2_divider_bits << RCC_CFGR_PPRE2_SHIFT |
             RCC_CFGR_SW_PLL;
  return wait_until_set(&RCC_CFGR, RCC_CFGR_SWS_MASK, RCC_CFGR_SWS_PLL);
}
