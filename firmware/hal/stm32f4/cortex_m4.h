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

/* ARMv7-M ARM §B3.2.6 AIRCR: writes need VECTKEY; SYSRESETREQ asks the system for a reset, PRIGROUP is kept. */
#define SCB_AIRCR MMIO32(0xE000ED0Cu)
#define SCB_AIRCR_VECTKEY (0x05FAu << 16)
#define SCB_AIRCR_PRIGROUP_MASK (0x7u << 8)
#define SCB_AIRCR_SYSRESETREQ (1u << 2)
/* §B3.2.13 SHCSR: MemManage, BusFault and UsageFault get their own handlers instead of escalating to HardFault. */
#define SCB_SHCSR MMIO32(0xE000ED24u)
#define SCB_SHCSR_MEMFAULTENA (1u << 16)
#define SCB_SHCSR_BUSFAULTENA (1u << 17)
#define SCB_SHCSR_USGFAULTENA (1u << 18)
/* §B3.2.15 CFSR (MMFSR, BFSR, UFSR), §B3.2.17 MMFAR, §B3.2.18 BFAR. */
#define SCB_CFSR MMIO32(0xE000ED28u)
#define SCB_CFSR_MMARVALID (1u << 7)
#define SCB_CFSR_MSTKERR (1u << 4)
#define SCB_CFSR_STKERR (1u << 12)
#define SCB_CFSR_BFARVALID (1u << 15)
#define SCB_MMFAR MMIO32(0xE000ED34u)
#define SCB_BFAR MMIO32(0xE000ED38u)

/* ARMv7-M ARM §C1.6 DEMCR: TRCENA powers the DWT; §C1.8 DWT: the cycle counter. */
#define DEMCR MMIO32(0xE000EDFCu)
#define DEMCR_TRCENA (1u << 24)
#define DWT_CTRL MMIO32(0xE0001000u)
#define DWT_CTRL_CYCCNTENA (1u << 0)
#define DWT_CYCCNT MMIO32(0xE0001004u)

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

/*
 * Requests a system reset (§B3.2.6) once every earlier write has completed (DSB), and waits for it. On the STM32F4
 * every register but the reset flags and the backup domain starts again (RM0090 §7.1); SRAM keeps its contents.
 */
__attribute__((noreturn)) static inline void system_reset(void) {
  __asm__ volatile("dsb" ::: "memory");
  SCB_AIRCR = SCB_AIRCR_VECTKEY | (SCB_AIRCR & SCB_AIRCR_PRIGROUP_MASK) | SCB_AIRCR_SYSRESETREQ;
  __asm__ volatile("dsb" ::: "memory");
  for (;;) {
  }
}

#endif
