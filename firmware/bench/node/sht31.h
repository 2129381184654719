/*
 * SHT3x (Sensirion SHT3x-DIS) in plain C, as drivers/sht31/driver.ts: soft reset, status-register probe,
 * single-shot high-repeatability measurement without clock stretching, every word checked against its CRC.
 */
#ifndef WASMOTE_BENCH_NODE_SHT31_H
#define WASMOTE_BENCH_NODE_SHT31_H

#include <stdint.h>

#include "bits.h"

/* §4.4: T msb, T lsb, T crc, RH msb, RH lsb, RH crc. */
#define SHT31_MEASUREMENT_BYTES 6
/* §4.12 Table 19: CRC-8, polynomial x^8 + x^5 + x^4 + 1, init 0xFF, no reflection, no final XOR. */
#define SHT31_CRC_POLYNOMIAL 0x31u
#define SHT31_CRC_INIT 0xFFu
#define SHT31_CRC_TOP_BIT 0x80u
#define SHT31_BYTE_MASK 0xFFu

typedef struct {
  int32_t address;
  /* The last values read successfully. */
  double temperature_c;
  double humidity_percent;
  /* The status register (§4.11 Table 17) as last read by probe. */
  int32_t status_register;
  uint8_t rx[SHT31_MEASUREMENT_BYTES];
} sht31_t;

/* CRC-8 of one 16-bit word sent most significant byte first, as the sensor sends it (§4.12; 0xBEEF → 0x92). */
static inline int32_t sht31_crc8_word(int32_t word) {
  uint32_t crc = SHT31_CRC_INIT;
  for (int shift = BITS_PER_BYTE; shift >= 0; shift -= BITS_PER_BYTE) {
    crc ^= (uint32_t)(word >> shift) & SHT31_BYTE_MASK;
    for (int bit = 0; bit < BITS_PER_BYTE; bit++) {
      crc = crc & SHT31_CRC_TOP_BIT ? ((crc << 1) ^ SHT31_CRC_POLYNOMIAL) & SHT31_BYTE_MASK
                                    : (crc << 1) & SHT31_BYTE_MASK;
    }
  }
  return (int32_t)crc;
}

void sht31_setup(sht31_t *chip);

/* Reads the status register (§4.11): OK when it arrives with a valid CRC, CRC otherwise, or the bus status. */
int32_t sht31_probe(sht31_t *chip);

/* Soft reset (§4.9), wait t_SR, then probe. */
int32_t sht31_init(sht31_t *chip);

/* One single-shot measurement (§4.3, §4.4): command, wait the max duration, read 6 bytes, check both CRCs. */
int32_t sht31_read(sht31_t *chip);

#endif
