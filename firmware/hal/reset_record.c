#include "reset_record.h"

#include <stdbool.h>

/* MurmurHash3 (Austin Appleby), x86_32: the block constants, the per-block step and the finaliser's. */
#define MURMUR_C1 0xCC9E2D51u
#define MURMUR_C2 0x1B873593u
#define MURMUR_BLOCK_ROTATE 15u
#define MURMUR_HASH_ROTATE 13u
#define MURMUR_HASH_MULTIPLY 5u
#define MURMUR_HASH_ADD 0xE6546B64u
#define FMIX_M1 0x85EBCA6Bu
#define FMIX_M2 0xC2B2AE35u
#define FMIX_SHIFT_1 16u
#define FMIX_SHIFT_2 13u
#define FMIX_SHIFT_3 16u
#define BYTES_PER_WORD 4u
#define WORD_BITS 32u
#define CHECK_SEED 0x7E5E7C0Du
#define ENTROPY_SEED 0x1EF70BE2u
#define NONCE_SEED 0x0A0CE5EDu
/* The words `check` covers: all that come before it. */
#define CHECKED_WORDS (offsetof(reset_record_t, check) / sizeof(uint32_t))
#define RECORD_WORDS (sizeof(reset_record_t) / sizeof(uint32_t))

static uint32_t rotate_left(uint32_t value, uint32_t bits) {
  return (value << bits) | (value >> (WORD_BITS - bits));
}

uint32_t mix32_add(uint32_t hash, uint32_t word) {
  word *= MURMUR_C1;
  word = rotate_left(word, MURMUR_BLOCK_ROTATE);
  word *= MURMUR_C2;
  hash ^= word;
  hash = rotate_left(hash, MURMUR_HASH_ROTATE);
  return hash * MURMUR_HASH_MULTIPLY + MURMUR_HASH_ADD;
}

static uint32_t finalise(uint32_t hash) {
  hash ^= hash >> FMIX_SHIFT_1;
  hash *= FMIX_M1;
  hash ^= hash >> FMIX_SHIFT_2;
  hash *= FMIX_M2;
  hash ^= hash >> FMIX_SHIFT_3;
  return hash;
}

uint32_t mix32_end(uint32_t hash, uint32_t words) {
  return finalise(hash ^ (words * BYTES_PER_WORD));
}

/* The record's first `count` words; at power-on, whatever RAM held there. */
static uint32_t hash_words(uint32_t seed, const reset_record_t *record, size_t count) {
  const uint32_t *words = &record->magic;
  uint32_t hash = seed;
  for (size_t i = 0; i < count; i++) hash = mix32_add(hash, words[i]);
  return mix32_end(hash, (uint32_t)count);
}

static void seal(reset_record_t *record) {
  record->check = hash_words(CHECK_SEED, record, CHECKED_WORDS);
}

static bool valid(const reset_record_t *record) {
  return record->magic == RESET_RECORD_MAGIC && record->check == hash_words(CHECK_SEED, record, CHECKED_WORDS);
}

static boot_fault_t kept_fault(const reset_record_t *record) {
  if (record->fault_kind < BOOT_FAULT_HARD || record->fault_kind > BOOT_FAULT_USAGE) return (boot_fault_t){0};
  return (boot_fault_t){
      .kind = (boot_fault_kind_t)record->fault_kind,
      .pc = record->fault_pc,
      .status = record->fault_status,
      .address = record->fault_address,
  };
}

boot_info_t reset_record_boot(reset_record_t *record, uint32_t flags) {
  boot_info_t info = {0};
  if (!valid(record) || (flags & RESET_FLAG_POWER)) {
    /* Whatever RAM held at power-on is the first entropy: an SRAM cell's power-up state is partly random. */
    uint32_t leftover = hash_words(ENTROPY_SEED, record, RECORD_WORDS);
    *record = (reset_record_t){.magic = RESET_RECORD_MAGIC, .entropy = leftover};
    info.cause = BOOT_POWER_ON;
  } else {
    info.fault = kept_fault(record);
    if (flags & RESET_FLAG_WATCHDOG) {
      info.cause = BOOT_WATCHDOG;
    } else if (record->reboot == RESET_RECORD_REBOOT && (flags == 0 || (flags & RESET_FLAG_SOFTWARE))) {
      /* A chip that reports flags confirms the software reset; the reset pin pressed during the drain does not. */
      info.cause = BOOT_REBOOT;
    } else {
      info.cause = BOOT_RESET;
    }
  }
  if (record->boot_count != UINT32_MAX) record->boot_count++;
  record->reboot = 0;
  record->fault_kind = BOOT_FAULT_NONE;
  record->fault_pc = 0;
  record->fault_status = 0;
  record->fault_address = 0;
  seal(record);
  info.count = record->boot_count;
  return info;
}

void reset_record_reboot(reset_record_t *record) {
  record->reboot = RESET_RECORD_REBOOT;
  seal(record);
}

void reset_record_fault(reset_record_t *record, const boot_fault_t *fault) {
  if (!valid(record)) return;
  record->fault_kind = fault->kind;
  record->fault_pc = fault->pc;
  record->fault_status = fault->status;
  record->fault_address = fault->address;
  seal(record);
}

uint32_t reset_record_nonce(reset_record_t *record, uint32_t identity, uint32_t sample) {
  const uint32_t words[] = {identity, record->boot_count, record->entropy, sample};
  uint32_t hash = NONCE_SEED;
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) hash = mix32_add(hash, words[i]);
  uint32_t nonce = mix32_end(hash, sizeof words / sizeof words[0]);
  /* A hash that came out 0 or as the last boot's nonce (a chance in 2^31) steps on. */
  while (nonce == 0 || nonce == record->last_nonce) nonce++;
  record->last_nonce = nonce;
  record->entropy = mix32_end(mix32_add(mix32_add(ENTROPY_SEED, record->entropy), nonce), 2);
  seal(record);
  return nonce;
}
