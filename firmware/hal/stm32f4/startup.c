/*
 * Reset and the vector table (PM0214 §2.3.4; RM0090 §10.2, Table 61): copies .data, clears .bss, enables the FPU,
 * reads why the chip booted (boot.c) and calls main(). The faults go to fault.c, which keeps the fault for the
 * next boot and resets. Interrupts the firmware does not use go to a handler that stops in place, where the
 * watchdog (or a debugger) finds it.
 */
#include <stdint.h>

#include "../boot.h"
#include "cortex_m4.h"

/* sections.ld */
extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[], __stack_top[];

int main(void);
void systick_interrupt(uint32_t *frame, uint32_t exc_return);

__attribute__((noreturn)) void Reset_Handler(void) {
  for (uint32_t *from = __data_load, *to = __data_start; to < __data_end;) *to++ = *from++;
  for (uint32_t *at = __bss_start; at < __bss_end;) *at++ = 0;
  /* PM0214 §4.6.6: full access to CP10 and CP11 before the first floating-point instruction. */
  SCB_CPACR |= SCB_CPACR_FPU_FULL_ACCESS;
  __asm__ volatile("dsb\n isb" ::: "memory");
  boot_start();
  main();
  for (;;) {
  }
}

void Unused_Handler(void) {
  for (;;) {
  }
}

/* Passes the interrupted code's exception frame and EXC_RETURN to systick_interrupt (ARMv7-M ARM §B1.5.6). */
__attribute__((naked)) void SysTick_Handler(void) {
  __asm__ volatile(
      "mov r0, sp\n"
      "mov r1, lr\n"
      "b systick_interrupt\n");
}

/* fault.c */
void HardFault_Handler(void);
void MemManage_Handler(void);
void BusFault_Handler(void);
void UsageFault_Handler(void);

/* Each board's source defines its link USART's handler; the others stay unused. */
void USART1_IRQHandler(void) __attribute__((weak, alias("Unused_Handler")));
void USART2_IRQHandler(void) __attribute__((weak, alias("Unused_Handler")));

/* ARMv7-M ARM §B1.5.2: the exception numbers of the faults. */
#define HARD_FAULT_VECTOR 3
#define MEM_MANAGE_VECTOR 4
#define BUS_FAULT_VECTOR 5
#define USAGE_FAULT_VECTOR 6
#define CORE_VECTORS 16
#define USART1_VECTOR (CORE_VECTORS + 37)
#define USART2_VECTOR (CORE_VECTORS + 38)
/*
 * RM0090 Table 61 has 82 interrupts on the STM32F405/407 (RM0383 Table 37: fewer on the F411). The table ends at
 * the last one the firmware enables, USART2's: an interrupt that is never enabled never reads its vector, and the
 * 43 entries after it would take 172 bytes of flash.
 */
#define VECTORS (USART2_VECTOR + 1)
#define SYSTICK_VECTOR 15

typedef void (*vector_t)(void);

__attribute__((section(".vectors"), used)) const vector_t vector_table[VECTORS] = {
    [0] = (vector_t)(uintptr_t)__stack_top,
    [1] = Reset_Handler,
    [2] = Unused_Handler,
    [HARD_FAULT_VECTOR] = HardFault_Handler,
    [MEM_MANAGE_VECTOR] = MemManage_Handler,
    [BUS_FAULT_VECTOR] = BusFault_Handler,
    [USAGE_FAULT_VECTOR] = UsageFault_Handler,
    [USAGE_FAULT_VECTOR + 1 ... SYSTICK_VECTOR - 1] = Unused_Handler,
    [SYSTICK_VECTOR] = SysTick_Handler,
    [SYSTICK_VECTOR + 1 ... USART1_VECTOR - 1] = Unused_Handler,
    [USART1_VECTOR] = USART1_IRQHandler,
    [USART2_VECTOR] = USART2_IRQHandler,
};
