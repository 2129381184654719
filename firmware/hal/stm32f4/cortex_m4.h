/*
 * The Cortex-M4 core peripherals the firmware uses (STM32F4 programming manual PM0214 §4; ARMv7-M Architecture
 * Reference Manual, ARM DDI 0403E, §B3).
 */
#ifndef WASMOTE_STM32F4_CORTEX_M4_H
#define WASMOTE_STM32F4_CORTEX_M4_H

#include "mmio.h"

/* PM0214 §4.5: SysTick. */
#define SYST_CSR MMIO32(0xE000E010u)
#define SYST_RVR MMIO32(0xE000E014u)
#define SYST_CVR MMIO32(0xE000E018u)
#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE_PROCESSOR (1u << 2)

/* PM0214 §4.4: System control block. */
#define SCB_SHPR3 MMIO32(0xE000ED20u)
#define SCB_SHPR3_SYSTICK_SHIFT 24
/* PM0214 §4.6.1: coprocessor access control; CP10 and CP11 (the FPU) full access. */
#define SCB_CPACR MMIO32(0xE000ED88u)
#define SCB_CPACR_FPU_FULL_ACCESS (0xFu << 20)

/* PM0214 §4.3: NVIC. */
#define NVIC_ISER(n) MMIO32(0xE000E100u + 4u * (n))
#define NVIC_IPR_BYTE(irq) (*(volatile uint8_t *)(uintptr_t)(0xE000E400u + (irq)))

/* PM0214 §4.3.7: the STM32F4 implements the top 4 priority bits. Lower numbers preempt higher ones. */
#define NVIC_PRIORITY_SHIFT 4

static inline void nvic_enable(unsigned irq, unsigned priority) {
  NVIC_IPR_BYTE(irq) = (uint8_t)(priority << NVIC_PRIORITY_SHIFT);
  NVIC_ISER(irq / 32) = 1u << (irq % 32);
}

/* PM0214 §3.11.3 CPSID/CPSIE and §3.11.11 WFI. */
static inline void interrupts_disable(void) {
  __asm__ volatile("cpsid i" ::: "memory");
}

static inline void interrupts_enable(void) {
  __asm__ volatile("cpsie i" ::: "memory");
}

/* Sleeps until an interrupt is pending; one that became pending while interrupts were masked also wakes it. */
static inline void wait_for_interrupt(void) {
  __asm__ volatile("wfi" ::: "memory");
}

#endif
