/*
 * The fault handlers (ARMv7-M ARM §B1.5.2: exceptions 3 HardFault, 4 MemManage, 5 BusFault, 6 UsageFault; boot.c
 * enables the last three in SHCSR, so each fault has its own): each keeps the fault's kind, the stacked PC and the
 * fault status in the reset record and resets the system, and the next boot reports it (hal/boot.h).
 */
#include <stdint.h>

#include "../boot.h"
#include "cortex_m4.h"

/* §B1.5.6: the basic exception frame, in words; the return address is the 7th. */
#define FRAME_PC 6
#define FRAME_WORDS 8
/* §B1.5.8 EXC_RETURN bit 2: the frame is on the process stack, not the main one. */
#define EXC_RETURN_PROCESS_STACK 4
/* Enough below the stack pointer for fault_report. */
#define FAULT_STACK_BYTES 256

/* sections.ld */
extern uint32_t __ram_start[], __ram_end[];

void fault_entry(void);
void fault_report(boot_fault_kind_t kind, const uint32_t *frame);

/* Each handler passes its kind in r0 to fault_entry. */
#define FAULT_HANDLER(name, kind)                                     \
  __attribute__((naked)) void name(void) {                            \
    __asm__ volatile("movs r0, %0\n b fault_entry\n" : : "i"(kind)); \
  }

FAULT_HANDLER(HardFault_Handler, BOOT_FAULT_HARD)
FAULT_HANDLER(MemManage_Handler, BOOT_FAULT_MEMORY)
FAULT_HANDLER(BusFault_Handler, BOOT_FAULT_BUS)
FAULT_HANDLER(UsageFault_Handler, BOOT_FAULT_USAGE)

/*
 * Passes the kind (r0) and the frame (r1) to fault_report. The main stack may be what failed (an overflow past
 * the start of RAM makes the exception entry itself fault, CFSR's MSTKERR or STKERR): a stack pointer outside RAM,
 * or too near its start for fault_report's own frame, is moved to the top of the stack first.
 */
__attribute__((naked)) void fault_entry(void) {
  __asm__ volatile(
      "tst lr, %0\n"
      "ite eq\n"
      "mrseq r1, msp\n"
      "mrsne r1, psp\n"
      "ldr r3, =__ram_start + %c1\n"
      "ldr r12, =__ram_end\n"
      "mov r2, sp\n"
      "cmp r2, r3\n"
      "it hs\n"
      "cmphs r12, r2\n"
      "itt lo\n"
      "ldrlo r2, =__stack_top\n"
      "movlo sp, r2\n"
      "b fault_report\n"
      :
      : "i"(EXC_RETURN_PROCESS_STACK), "i"(FAULT_STACK_BYTES));
}

static int in_ram(const uint32_t *frame) {
  uintptr_t at = (uintptr_t)frame;
  return at % sizeof(uint32_t) == 0 && at >= (uintptr_t)__ram_start &&
         at <= (uintptr_t)__ram_end - FRAME_WORDS * sizeof(uint32_t);
}

__attribute__((noreturn, used)) void fault_report(boot_fault_kind_t kind, const uint32_t *frame) {
  interrupts_disable();
  uint32_t status = SCB_CFSR;
  uint32_t address = 0;
  /* §B3.2.15: MMARVALID and BFARVALID say whether MMFAR and BFAR hold this fault's address. */
  if (status & SCB_CFSR_MMARVALID) address = SCB_MMFAR;
  else if (status & SCB_CFSR_BFARVALID) address = SCB_BFAR;
  /* A fault while stacking the frame (MSTKERR, STKERR) left no frame to read. */
  int stacked = in_ram(frame) && (status & (SCB_CFSR_MSTKERR | SCB_CFSR_STKERR)) == 0;
  boot_fault_t fault = {.kind = kind, .pc = stacked ? frame[FRAME_PC] : 0, .status = status, .address = address};
  boot_record_fault(&fault);
  system_reset();
}
