/* Reset and clock control (RM0090 §7.3; RM0383 §6.3 for the STM32F411, same layout for what is used here). */
#ifndef WASMOTE_STM32F4_RCC_H
#define WASMOTE_STM32F4_RCC_H

#include <stdint.h>

#include "mmio.h"

#define RCC_BASE 0x40023800u
/* §7.3.1 */
#define RCC_CR MMIO32(RCC_BASE + 0x00u)
#define RCC_CR_HSEON (1u << 16)
#define RCC_CR_HSERDY (1u << 17)
#define RCC_CR_HSEBYP (1u << 18)
#define RCC_CR_PLLON (1u << 24)
#define RCC_CR_PLLRDY (1u << 25)
/* §7.3.2 */
#define RCC_PLLCFGR MMIO32(RCC_BASE + 0x04u)
#define RCC_PLLCFGR_PLLM_SHIFT 0
#define RCC_PLLCFGR_PLLN_SHIFT 6
#define RCC_PLLCFGR_PLLP_SHIFT 16
#define RCC_PLLCFGR_PLLSRC_HSE (1u << 22)
#define RCC_PLLCFGR_PLLQ_SHIFT 24
/* §7.3.3 */
#define RCC_CFGR MMIO32(RCC_BASE + 0x08u)
#define RCC_CFGR_SW_PLL 0x2u
#define RCC_CFGR_SWS_MASK (0x3u << 2)
#define RCC_CFGR_SWS_PLL (0x2u << 2)
#define RCC_CFGR_PPRE1_SHIFT 10
#define RCC_CFGR_PPRE2_SHIFT 13
/* §7.3.3 PPREx: 0xx = not divided, 100 = /2, 101 = /4. */
#define RCC_CFGR_PPRE_DIV1 0x0u
#define RCC_CFGR_PPRE_DIV2 0x4u
#define RCC_CFGR_PPRE_DIV4 0x5u
/* §7.3.10 AHB1ENR, §7.3.13 APB1ENR, §7.3.14 APB2ENR */
#define RCC_AHB1ENR MMIO32(RCC_BASE + 0x30u)
#define RCC_APB1ENR MMIO32(RCC_BASE + 0x40u)
#define RCC_APB2ENR MMIO32(RCC_BASE + 0x44u)
#define RCC_AHB1ENR_GPIOEN(port) (1u << (port))
#define RCC_APB1ENR_TIM4EN (1u << 2)
#define RCC_APB1ENR_USART2EN (1u << 17)
#define RCC_APB1ENR_I2C1EN (1u << 21)
#define RCC_APB1ENR_PWREN (1u << 28)
#define RCC_APB2ENR_USART1EN (1u << 4)
/* §7.3.21 clock control & status: reset flags, cleared by RMVF. */
#define RCC_CSR MMIO32(RCC_BASE + 0x74u)
#define RCC_CSR_RMVF (1u << 24)
#define RCC_CSR_BORRSTF (1u << 25)
#define RCC_CSR_PINRSTF (1u << 26)
#define RCC_CSR_PORRSTF (1u << 27)
#define RCC_CSR_SFTRSTF (1u << 28)
#define RCC_CSR_IWDGRSTF (1u << 29)
#define RCC_CSR_WWDGRSTF (1u << 30)
#define RCC_CSR_LPWRRSTF (1u << 31)
#define RCC_CSR_RESET_FLAGS (0x7Fu << 25)

/* §3.9.1 flash access control: wait states for the core clock (Table 10 at 2.7..3.6 V). */
#define FLASH_ACR MMIO32(0x40023C00u)
#define FLASH_ACR_PRFTEN (1u << 8)
#define FLASH_ACR_ICEN (1u << 9)
#define FLASH_ACR_DCEN (1u << 10)

/* §5.4.1 power control: regulator voltage scale 1, needed above 144 MHz (RM0383 §5.4.1: above 84 MHz). */
#define PWR_CR MMIO32(0x40007000u)
#define PWR_CR_VOS_SCALE1 (0x3u << 14)

/* A PLL set-up from an 8 MHz HSE: f = 8 MHz / m * n / p (§7.3.2: VCO input 1..2 MHz, VCO 100..432 MHz). */
typedef struct {
  uint32_t m;
  uint32_t n;
  uint32_t p;
  uint32_t q;
  /* §3.9.1 */
  uint32_t flash_wait_states;
  uint32_t apb1_divider_bits;
  uint32_t apb2_divider_bits;
  /* The HSE comes from an external clock (a Nucleo's ST-LINK MCO) instead of a crystal. */
  int hse_bypass;
} rcc_pll_config_t;

/* Switches SYSCLK to the PLL; returns 0 when the HSE or the PLL does not become ready in time. */
int rcc_use_pll(const rcc_pll_config_t *config);

#endif
