/*
 * Why the board booted, how often it has booted since power came on, the hardware fault that ended the last boot,
 * and a nonce for this boot (docs/firmware.md, "Boot and reset"). hal/stm32f4/boot.c implements it on the reset
 * record, a few words of RAM that a system reset keeps and a power cycle does not (hal/reset_record.h).
 */
#ifndef WASMOTE_HAL_BOOT_H
#define WASMOTE_HAL_BOOT_H

#include <stdint.h>

typedef enum {
  /* No reset record: power came on (or RAM was lost, as after a brown-out). */
  BOOT_POWER_ON = 0,
  /* A reset the firmware did not ask for: the reset pin, a debugger, the reset after a fault. */
  BOOT_RESET = 1,
  /* The independent or window watchdog. */
  BOOT_WATCHDOG = 2,
  /* The firmware asked for it: board_reboot(). */
  BOOT_REBOOT = 3,
} boot_cause_t;

/* The fault handler that ran (ARMv7-M ARM §B1.5.2, exceptions 3 to 6). */
typedef enum {
  BOOT_FAULT_NONE = 0,
  BOOT_FAULT_HARD = 1,
  BOOT_FAULT_MEMORY = 2,
  BOOT_FAULT_BUS = 3,
  BOOT_FAULT_USAGE = 4,
} boot_fault_kind_t;

typedef struct {
  boot_fault_kind_t kind;
  /* The stacked return address (§B1.5.6): the faulting instruction for a precise fault; 0 if unreadable. */
  uint32_t pc;
  /* CFSR (§B3.2.15): what went wrong. */
  uint32_t status;
  /* The faulting data address, MMFAR or BFAR (§B3.2.17, §B3.2.18), when CFSR says it is valid; else 0. */
  uint32_t address;
} boot_fault_t;

/* Reads and clears the reset flags and consumes the reset record; Reset_Handler calls it before main(). */
void boot_start(void);

boot_cause_t boot_cause(void);

/* 1 at power-on, one more on each later boot while power stays on. */
uint32_t boot_count(void);

/* The fault that ended the previous boot, of kind BOOT_FAULT_NONE if none did; the boot after does not see it. */
boot_fault_t boot_fault(void);

/* The chip's reset flags as they were at boot (RCC_CSR on the STM32F4); 0 where they are not modelled (QEMU). */
uint32_t boot_reset_flags(void);

/*
 * A non-zero 32-bit nonce for this boot, fixed by the first call: the device's identity, the boot count, the cycle
 * counter at the call and what earlier boots left in the record, hashed. It differs from the previous boot's; call
 * it first when something unpredictable has happened, such as the first byte from the host.
 */
uint32_t boot_nonce(void);

/* Marks the next boot as BOOT_REBOOT and resets the system; board_reboot() first lets the link's UART drain. */
__attribute__((noreturn)) void boot_reboot(void);

/* For the fault handlers (hal/stm32f4/fault.c): keeps `fault` in the reset record for the next boot. */
void boot_record_fault(const boot_fault_t *fault);

#endif
