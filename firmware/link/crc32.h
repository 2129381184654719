/* CRC-32/ISO-HDLC (docs/link-protocol.md §3.2): reflected, init and final XOR 0xFFFFFFFF. */
#ifndef WASMOTE_LINK_CRC32_H
#define WASMOTE_LINK_CRC32_H

#include <stddef.h>
#include <stdint.h>

#define CRC32_INITIAL 0xFFFFFFFFu

/* Folds `bytes` into a running CRC started at CRC32_INITIAL; finish with crc32_final(). */
uint32_t crc32_update(uint32_t crc, const uint8_t *bytes, size_t length);

static inline uint32_t crc32_final(uint32_t crc) {
  return crc ^ 0xFFFFFFFFu;
}

#endif
