/*
 * hal/boot.h on the STM32F4: the reset record in .noinit (sections.ld), the reset flags of RCC_CSR (RM0090
 * §7.3.21; RM0383 §6.3), the fault handlers' own exceptions and the cycle counter for the nonce.
 *
 * QEMU's STM32F405 (netduinoplus2) models no RCC: RCC_CSR reads 0 and RMVF is ignored, so there the record alone
 * tells a reset from a power-on. It has no DWT either (DEMCR and the cycle counter read 0), and no unique ID:
 * a read at 0x1FFF7A10 is a bus fault. The nonce hashes board_device_id(), the unique ID on real boards and the
 * build's device id on QEMU, and never reads the ID itself.
 */
#include "../boot.h"

#include "../../boards/board.h"
#include "../reset_record.h"
#include "cortex_m4.h"
#include "rcc.h"

__attribute__((section(".noinit"))) static reset_record_t record;
static boot_info_t info;
static uint32_t reset_flags;
static uint32_t nonce;

static uint32_t flags_of(uint32_t csr) {
  uint32_t flags = 0;
  /* §7.3.21: a power-on or power-down reset sets PORRSTF, and BORRSTF with it; a brown-out sets BORRSTF. */
  if (csr & (RCC_CSR_PORRSTF | RCC_CSR_BORRSTF)) flags |= RESET_FLAG_POWER;
  if (csr & RCC_CSR_PINRSTF) flags |= RESET_FLAG_PIN;
  if (csr & RCC_CSR_SFTRSTF) flags |= RESET_FLAG_SOFTWARE;
  if (csr & (RCC_CSR_IWDGRSTF | RCC_CSR_WWDGRSTF)) flags |= RESET_FLAG_WATCHDOG;
  if (csr & RCC_CSR_LPWRRSTF) flags |= RESET_FLAG_LOW_POWER;
  return flags;
}

void boot_start(void) {
  reset_flags = RCC_CSR & RCC_CSR_RESET_FLAGS;
  /* The flags accumulate until cleared (§7.3.21): clear them, so the next boot sees only its own reset's. */
  RCC_CSR |= RCC_CSR_RMVF;
  info = reset_record_boot(&record, flags_of(reset_flags));
  SCB_SHCSR |= SCB_SHCSR_MEMFAULTENA | SCB_SHCSR_BUSFAULTENA | SCB_SHCSR_USGFAULTENA;
  DEMCR |= DEMCR_TRCENA;
  DWT_CTRL |= DWT_CTRL_CYCCNTENA;
}

boot_cause_t boot_cause(void) {
  return info.cause;
}

uint32_t boot_count(void) {
  return info.count;
}

boot_fault_t boot_fault(void) {
  return info.fault;
}

uint32_t boot_reset_flags(void) {
  return reset_flags;
}

uint32_t boot_nonce(void) {
  if (nonce != 0) return nonce;
  link_str_t id = board_device_id();
  uint32_t identity = 0;
  for (size_t i = 0; i < id.length; i++) identity = mix32_add(identity, (uint8_t)id.bytes[i]);
  identity = mix32_end(identity, (uint32_t)id.length);
  /* Cycles since boot_start and SysTick's count: the same from boot to boot unless something waited on the world. */
  uint32_t sample = mix32_end(mix32_add(mix32_add(0, DWT_CYCCNT), SYST_CVR), 2);
  nonce = reset_record_nonce(&record, identity, sample);
  return nonce;
}

void boot_reboot(void) {
  interrupts_disable();
  reset_record_reboot(&record);
  system_reset();
}

void boot_record_fault(const boot_fault_t *fault) {
  reset_record_fault(&record, fault);
}
