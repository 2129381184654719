/*
 * The reset record behind hal/boot.h: words in RAM that the start-up code neither copies nor clears, so a system
 * reset keeps them and a power cycle does not. A magic word and a check word tell a record from whatever RAM held
 * at power-on. This file decides the boot cause from the record and the chip's reset flags; it is portable, so
 * test/firmware/native/reset-record-harness.c tries every case on the host, and hal/stm32f4/boot.c keeps the
 * record in the .noinit section (hal/stm32f4/sections.ld).
 */
#ifndef WASMOTE_HAL_RESET_RECORD_H
#define WASMOTE_HAL_RESET_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "boot.h"

/* Changes with the record's layout, so firmware that lays it out otherwise starts from a power-on. */
#define RESET_RECORD_MAGIC 0xB007EC01u
/* In `reboot` when the firmware asked for the reset. */
#define RESET_RECORD_REBOOT 0x5EB0075Au

typedef struct {
  uint32_t magic;
  uint32_t boot_count;
  uint32_t reboot;
  /* A boot_fault_t for the next boot. */
  uint32_t fault_kind;
  uint32_t fault_pc;
  uint32_t fault_status;
  uint32_t fault_address;
  /* Carried from boot to boot: what was in RAM at power-on, stirred with every nonce since. */
  uint32_t entropy;
  uint32_t last_nonce;
  /* A hash of the words above. */
  uint32_t check;
} reset_record_t;

/*
 * The chip's reset flags, as far as the cause is concerned (RCC_CSR: RM0090 §7.3.21, RM0383 §6.3; mapped by
 * hal/stm32f4/boot.c). None set means the chip does not say (QEMU): the record alone decides.
 */
#define RESET_FLAG_POWER (1u << 0)
#define RESET_FLAG_PIN (1u << 1)
#define RESET_FLAG_SOFTWARE (1u << 2)
#define RESET_FLAG_WATCHDOG (1u << 3)
#define RESET_FLAG_LOW_POWER (1u << 4)

typedef struct {
  boot_cause_t cause;
  uint32_t count;
  boot_fault_t fault;
} boot_info_t;

/*
 * Once per boot: what this boot is, from the record the last one left and the reset flags. Leaves the record
 * valid, counting this boot, with no reboot mark and no fault, so a reset after this one reports neither.
 */
boot_info_t reset_record_boot(reset_record_t *record, uint32_t flags);

/* Marks the reset about to be requested as the firmware's own. */
void reset_record_reboot(reset_record_t *record);

/* Keeps `fault` for the next boot; a record that is not valid stays as it is. */
void reset_record_fault(reset_record_t *record, const boot_fault_t *fault);

/*
 * This boot's nonce from the device's `identity` hash, a `sample` of whatever varies (cycle counters), the boot
 * count and the record's entropy: non-zero and never the previous boot's. Stirs it into the record's entropy.
 */
uint32_t reset_record_nonce(reset_record_t *record, uint32_t identity, uint32_t sample);

/*
 * MurmurHash3's 32-bit block step and finaliser, word by word: mix32_add each word to a hash started at any seed,
 * then mix32_end with the number of words.
 */
uint32_t mix32_add(uint32_t hash, uint32_t word);
uint32_t mix32_end(uint32_t hash, uint32_t words);

#endif
