#include "bme280.h"

#include "../../hal/imports.h"
#include "bits.h"
#include "bme280_compensation.h"
#include "i2c.h"
#include "status.h"

/* §6.2: SDO to GND. */
#define BME280_ADDRESS 0x76
/* §5.4.1 */
#define REGISTER_CHIP_ID 0xD0
#define CHIP_ID 0x60
/* §5.4.2: writing 0xB6 performs a power-on reset. */
#define REGISTER_RESET 0xE0
#define RESET_COMMAND 0xB6
/* §5.4.3: ctrl_hum takes effect only after a write to ctrl_meas. */
#define REGISTER_CTRL_HUM 0xF2
/* §5.4.4: status, im_update[0]. */
#define REGISTER_STATUS 0xF3
#define STATUS_IM_UPDATE 0x01
/* §5.4.5: ctrl_meas, osrs_t[7:5], osrs_p[4:2], mode[1:0]; Tables 20, 23, 24, 25. */
#define REGISTER_CTRL_MEAS 0xF4
#define CTRL_MEAS_OSRS_T_SHIFT 5
#define CTRL_MEAS_OSRS_P_SHIFT 2
#define MODE_FORCED 0x01
#define OVERSAMPLING_X1 0x01
#define CTRL_MEAS_FORCED_X1 \
  ((OVERSAMPLING_X1 << CTRL_MEAS_OSRS_T_SHIFT) | (OVERSAMPLING_X1 << CTRL_MEAS_OSRS_P_SHIFT) | MODE_FORCED)
/* §5.4.7..§5.4.9: the data burst; pressure and temperature are 20 bits (msb, lsb, xlsb[7:4]). */
#define REGISTER_DATA 0xF7
#define DATA_PRESSURE_AT 0
#define DATA_TEMPERATURE_AT 3
#define DATA_HUMIDITY_AT 6
#define DATA_20_BIT_SHIFT 4
/* §5.4.7, §5.4.8, §5.4.9: what a skipped measurement reads as. */
#define SKIPPED_PRESSURE 0x80000
#define SKIPPED_TEMPERATURE 0x80000
#define SKIPPED_HUMIDITY 0x8000
/* §4.2.2 Table 16: the trimming blocks and the offsets of each dig_* in them; 16-bit values are little-endian. */
#define REGISTER_CALIBRATION_TP 0x88
#define REGISTER_CALIBRATION_H 0xE1
#define DIG_T1_AT 0
#define DIG_T2_AT 2
#define DIG_T3_AT 4
#define DIG_P1_AT 6
#define DIG_P2_AT 8
#define DIG_H1_AT 25
#define DIG_H2_AT 0
#define DIG_H3_AT 2
#define DIG_H4_MSB_AT 3
#define DIG_H45_SHARED_AT 4
#define DIG_H5_MSB_AT 5
#define DIG_H6_AT 6
#define WORD_BYTES 2
#define NIBBLE_BITS 4
#define NIBBLE_MASK 0x0F
#define BYTE_MASK 0xFF
#define SIGNED_CHAR_BITS 8
#define SIGNED_12_BITS 12
/* Table 1: start-up time, max; how often and how many times init polls im_update after it. */
#define STARTUP_TIME_MAX_US 2000
#define NVM_COPY_POLL_US 1000
#define NVM_COPY_POLLS 10
/* §9.1: t_measure,max at ×1 for T, P and H. */
#define MEASUREMENT_TIME_X1_MAX_US 9300
/* §4.2.3: the outputs' fixed-point units. */
#define CENTI 100.0
#define Q8_ONE 256.0
#define Q10_ONE 1024.0

/* dig_H4 = 0xE4 (signed) << 4 | 0xE5[3:0]; dig_H5 = 0xE6 (signed) << 4 | 0xE5[7:4]. */
static int32_t dig_h4_from_bytes(int32_t e4, int32_t e5) {
  return sign_extend(((e4 & BYTE_MASK) << NIBBLE_BITS) | (e5 & NIBBLE_MASK), SIGNED_12_BITS);
}

static int32_t dig_h5_from_bytes(int32_t e5, int32_t e6) {
  return sign_extend(((e6 & BYTE_MASK) << NIBBLE_BITS) | ((e5 >> NIBBLE_BITS) & NIBBLE_MASK), SIGNED_12_BITS);
}

static void parse_calibration(const uint8_t *tp, const uint8_t *h, bme280_calibration_t *out) {
  out->t1 = load_u16_le(tp + DIG_T1_AT);
  out->t2 = load_i16_le(tp + DIG_T2_AT);
  out->t3 = load_i16_le(tp + DIG_T3_AT);
  out->p1 = load_u16_le(tp + DIG_P1_AT);
  const uint8_t *p = tp + DIG_P2_AT;
  out->p2 = load_i16_le(p);
  out->p3 = load_i16_le(p + WORD_BYTES);
  out->p4 = load_i16_le(p + 2 * WORD_BYTES);
  out->p5 = load_i16_le(p + 3 * WORD_BYTES);
  out->p6 = load_i16_le(p + 4 * WORD_BYTES);
  out->p7 = load_i16_le(p + 5 * WORD_BYTES);
  out->p8 = load_i16_le(p + 6 * WORD_BYTES);
  out->p9 = load_i16_le(p + 7 * WORD_BYTES);
  out->h1 = tp[DIG_H1_AT];
  out->h2 = load_i16_le(h + DIG_H2_AT);
  out->h3 = h[DIG_H3_AT];
  int32_t shared = h[DIG_H45_SHARED_AT];
  out->h4 = dig_h4_from_bytes(h[DIG_H4_MSB_AT], shared);
  out->h5 = dig_h5_from_bytes(shared, h[DIG_H5_MSB_AT]);
  out->h6 = sign_extend(h[DIG_H6_AT], SIGNED_CHAR_BITS);
}

void bme280_setup(bme280_t *chip) {
  *chip = (bme280_t){.address = BME280_ADDRESS};
}

int32_t bme280_probe(bme280_t *chip) {
  hal_status_t status = node_i2c_read_registers(chip->address, REGISTER_CHIP_ID, chip->one_byte, 1);
  if (status != HAL_OK) return status;
  return chip->one_byte[0] == CHIP_ID ? HAL_OK : NODE_WRONG_IDENTITY;
}

/* Polls status.im_update until the trimming parameters are copied to the image registers. */
static int32_t wait_for_nvm_copy(bme280_t *chip) {
  for (int poll = 0; poll < NVM_COPY_POLLS; poll++) {
    hal_status_t status = node_i2c_read_registers(chip->address, REGISTER_STATUS, chip->one_byte, 1);
    if (status != HAL_OK) return status;
    if ((chip->one_byte[0] & STATUS_IM_UPDATE) == 0) return HAL_OK;
    status = hal_delay_us(NVM_COPY_POLL_US);
    if (status != HAL_OK) return status;
  }
  return HAL_TIMEOUT;
}

int32_t bme280_init(bme280_t *chip) {
  int32_t status = bme280_probe(chip);
  if (status != HAL_OK) return status;
  status = node_i2c_write_register8(chip->address, REGISTER_RESET, RESET_COMMAND);
  if (status != HAL_OK) return status;
  status = hal_delay_us(STARTUP_TIME_MAX_US);
  if (status != HAL_OK) return status;
  status = wait_for_nvm_copy(chip);
  if (status != HAL_OK) return status;
  status = node_i2c_read_registers(chip->address, REGISTER_CALIBRATION_TP, chip->calibration_tp,
                                   BME280_CALIBRATION_TP_BYTES);
  if (status != HAL_OK) return status;
  status = node_i2c_read_registers(chip->address, REGISTER_CALIBRATION_H, chip->calibration_h,
                                   BME280_CALIBRATION_H_BYTES);
  if (status != HAL_OK) return status;
  parse_calibration(chip->calibration_tp, chip->calibration_h, &chip->calibration);
  return HAL_OK;
}

int32_t bme280_read(bme280_t *chip) {
  hal_status_t status = node_i2c_write_register8(chip->address, REGISTER_CTRL_HUM, OVERSAMPLING_X1);
  if (status != HAL_OK) return status;
  status = node_i2c_write_register8(chip->address, REGISTER_CTRL_MEAS, CTRL_MEAS_FORCED_X1);
  if (status != HAL_OK) return status;
  status = hal_delay_us(MEASUREMENT_TIME_X1_MAX_US);
  if (status != HAL_OK) return status;
  status = node_i2c_read_registers(chip->address, REGISTER_DATA, chip->data, BME280_DATA_BYTES);
  if (status != HAL_OK) return status;

  int32_t adc_p = load_u24_be(chip->data + DATA_PRESSURE_AT) >> DATA_20_BIT_SHIFT;
  int32_t adc_t = load_u24_be(chip->data + DATA_TEMPERATURE_AT) >> DATA_20_BIT_SHIFT;
  int32_t adc_h = load_u16_be(chip->data + DATA_HUMIDITY_AT);
  if (adc_p == SKIPPED_PRESSURE || adc_t == SKIPPED_TEMPERATURE || adc_h == SKIPPED_HUMIDITY) return NODE_NO_DATA;

  const bme280_calibration_t *calibration = &chip->calibration;
  int32_t t_fine = bme280_compensate_t_fine(adc_t, calibration);
  uint32_t pressure_q24_8 = bme280_compensate_pressure_q24_8(adc_p, t_fine, calibration);
  if (pressure_q24_8 == 0) return NODE_NO_DATA; /* dig_P1 = 0: the trimming parameters are unusable */
  chip->temperature_c = bme280_temperature_centi_c_from_t_fine(t_fine) / CENTI;
  chip->pressure_pa = pressure_q24_8 / Q8_ONE;
  chip->humidity_percent = bme280_compensate_humidity_q22_10(adc_h, t_fine, calibration) / Q10_ONE;
  return HAL_OK;
}
