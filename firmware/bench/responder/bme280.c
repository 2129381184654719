/*
 * A canned BME280 (Bosch BST-BME280-DS002): an 8-bit register map (§5.3) written as register-value pairs
 * (§6.2.1) and read in bursts from the last register written (§6.2.2). Its trimming parameters are the BMP280
 * datasheet's worked example for T and P (BST-BMP280-DS001 §3.12, which the BME280 shares) with a typical part's H
 * values, as host/sim/chips/bme280-compensation.ts has them; its data registers hold that example's raw readings.
 */
#include "responder.h"

#include "../node/bits.h"

#define REGISTERS 256
/* §5.3 Table 18 */
#define REGISTER_CALIBRATION_TP 0x88
#define REGISTER_DIG_H1 0xA1
#define REGISTER_CHIP_ID 0xD0
#define REGISTER_CALIBRATION_H 0xE1
#define REGISTER_DIG_H3 0xE3
#define REGISTER_DIG_H4_MSB 0xE4
#define REGISTER_DIG_H45_SHARED 0xE5
#define REGISTER_DIG_H5_MSB 0xE6
#define REGISTER_DIG_H6 0xE7
#define REGISTER_STATUS 0xF3
#define REGISTER_PRESS_MSB 0xF7
#define REGISTER_TEMP_MSB 0xFA
#define REGISTER_HUM_MSB 0xFD
/* §5.4.1 */
#define CHIP_ID 0x60
/* §5.4.4: neither measuring nor copying the NVM. */
#define STATUS_IDLE 0x00
#define WORD_BYTES 2
#define PAIR_BYTES 2
#define NIBBLE_BITS 4
#define NIBBLE_MASK 0x0F
/* §5.4.7, §5.4.8: 20-bit values as msb, lsb, xlsb[7:4]. */
#define XLSB_SHIFT 4

/* Table 16, at 0x88 + 2k for k = 0..11. */
#define DIG_T1 27504
#define DIG_T2 26435
#define DIG_T3 (-1000)
#define DIG_P1 36477
#define DIG_P2 (-10685)
#define DIG_P3 3024
#define DIG_P4 2855
#define DIG_P5 140
#define DIG_P6 (-7)
#define DIG_P7 15500
#define DIG_P8 (-14600)
#define DIG_P9 6000
#define DIG_H1 75
#define DIG_H2 362
#define DIG_H3 0
#define DIG_H4 324
#define DIG_H5 50
#define DIG_H6 30
/* BST-BMP280-DS001 §3.12: the raw readings of the worked example (25.08 °C, 100653 Pa); a humidity near 49 %RH. */
#define ADC_T 519888
#define ADC_P 415148
#define ADC_H 0x7400

/* A 16-bit value least significant byte first, a 16-bit value most significant first, a 20-bit ADC value. */
#define LE16(at, value) [(at)] = (uint8_t)(value), [(at) + 1] = (uint8_t)((uint16_t)(value) >> BITS_PER_BYTE)
#define BE16(at, value) [(at)] = (uint8_t)((uint16_t)(value) >> BITS_PER_BYTE), [(at) + 1] = (uint8_t)(value)
#define ADC20(at, value)                                                                              \
  [(at)] = (uint8_t)((value) >> (BITS_PER_BYTE + XLSB_SHIFT)), [(at) + 1] = (uint8_t)((value) >> XLSB_SHIFT), \
  [(at) + 2] = (uint8_t)((value) << XLSB_SHIFT)
#define DIG_T_P(k) (REGISTER_CALIBRATION_TP + (k) * WORD_BYTES)

static uint8_t registers[REGISTERS] = {
    LE16(DIG_T_P(0), DIG_T1),
    LE16(DIG_T_P(1), DIG_T2),
    LE16(DIG_T_P(2), DIG_T3),
    LE16(DIG_T_P(3), DIG_P1),
    LE16(DIG_T_P(4), DIG_P2),
    LE16(DIG_T_P(5), DIG_P3),
    LE16(DIG_T_P(6), DIG_P4),
    LE16(DIG_T_P(7), DIG_P5),
    LE16(DIG_T_P(8), DIG_P6),
    LE16(DIG_T_P(9), DIG_P7),
    LE16(DIG_T_P(10), DIG_P8),
    LE16(DIG_T_P(11), DIG_P9),
    [REGISTER_DIG_H1] = DIG_H1,
    [REGISTER_CHIP_ID] = CHIP_ID,
    LE16(REGISTER_CALIBRATION_H, DIG_H2),
    [REGISTER_DIG_H3] = DIG_H3,
    /* dig_H4 = 0xE4 << 4 | 0xE5[3:0], dig_H5 = 0xE6 << 4 | 0xE5[7:4] (Table 16). */
    [REGISTER_DIG_H4_MSB] = (uint8_t)(DIG_H4 >> NIBBLE_BITS),
    [REGISTER_DIG_H45_SHARED] = (uint8_t)((DIG_H5 & NIBBLE_MASK) << NIBBLE_BITS | (DIG_H4 & NIBBLE_MASK)),
    [REGISTER_DIG_H5_MSB] = (uint8_t)(DIG_H5 >> NIBBLE_BITS),
    [REGISTER_DIG_H6] = DIG_H6,
    [REGISTER_STATUS] = STATUS_IDLE,
    ADC20(REGISTER_PRESS_MSB, ADC_P),
    ADC20(REGISTER_TEMP_MSB, ADC_T),
    BE16(REGISTER_HUM_MSB, ADC_H),
};
static uint8_t pointer;

hal_status_t responder_bme280(const uint8_t *write, size_t write_length, uint8_t *read, size_t read_length) {
  if (write_length == 1) pointer = write[0];
  for (size_t i = 0; i + 1 < write_length; i += PAIR_BYTES) registers[write[i]] = write[i + 1];
  for (size_t i = 0; i < read_length; i++) read[i] = registers[pointer++];
  return HAL_OK;
}
