#include "sensor_node.h"

#include <stdbool.h>

#include "../../hal/imports.h"
#include "led.h"
#include "log.h"
#include "memory.h"
#include "status.h"
#include "telemetry.h"

/* sensor-node.ts, restated: the reading interval, the error pattern's blink, docs/hal-abi.md §4.2, §4.3's LEDs. */
#define INTERVAL_MS 1000
#define ERROR_BLINK_PERIOD_MS 200
#define LED_PIN 0
#define LED_PWM_CHANNEL 0
#define LED_PWM_DUTY_OFF 0

/* sensor-node.ts's fixed metric ids. */
typedef enum {
  METRIC_TMP102_TEMPERATURE = 1,
  METRIC_SHT31_TEMPERATURE = 2,
  METRIC_SHT31_HUMIDITY = 3,
  METRIC_BME280_TEMPERATURE = 4,
  METRIC_BME280_PRESSURE = 5,
  METRIC_BME280_HUMIDITY = 6,
  METRIC_MPU6050_ACCEL_X = 7,
  METRIC_MPU6050_ACCEL_Y = 8,
  METRIC_MPU6050_ACCEL_Z = 9,
  METRIC_MPU6050_GYRO_X = 10,
  METRIC_MPU6050_GYRO_Y = 11,
  METRIC_MPU6050_GYRO_Z = 12,
  METRIC_MPU6050_TEMPERATURE = 13,
} metric_id_t;

typedef enum { SENSOR_TMP102, SENSOR_SHT31, SENSOR_BME280, SENSOR_MPU6050, SENSOR_COUNT } sensor_t;

/* What the node tracks per sensor. */
typedef struct {
  /* Answered its probe at init: its metrics are declared and it is read every cycle. */
  bool present;
  /* Initialise before the next read (its init or last read failed). */
  bool needs_init;
  /* The outcome of the last cycle; a warning is logged only when it changes. */
  int32_t last_status;
} slot_t;

static const char *const SENSOR_NAMES[SENSOR_COUNT] = {"tmp102", "sht31", "bme280", "mpu6050"};

static slot_t slots[SENSOR_COUNT];
static node_led_t led;
static int64_t next_reading_ms;
/* Start of the last reading cycle, or -1 before the first. */
static int64_t last_reading_ms;
static bool showing_error_pattern;

static int32_t first_failure(int32_t first, int32_t next) {
  return first != HAL_OK ? first : next;
}

/* ---- the four sensors behind one switch each ---------------------------------------------------------- */

static int32_t probe(sensor_t sensor) {
  switch (sensor) {
    case SENSOR_TMP102: return tmp102_probe(&node_ram.tmp102);
    case SENSOR_SHT31: return sht31_probe(&node_ram.sht31);
    case SENSOR_BME280: return bme280_probe(&node_ram.bme280);
    default: return mpu6050_probe(&node_ram.mpu6050);
  }
}

static int32_t initialise(sensor_t sensor) {
  switch (sensor) {
    case SENSOR_TMP102: return tmp102_init(&node_ram.tmp102);
    case SENSOR_SHT31: return sht31_init(&node_ram.sht31);
    case SENSOR_BME280: return bme280_init(&node_ram.bme280);
    default: return mpu6050_init(&node_ram.mpu6050);
  }
}

/* Declares the sensor's metrics; returns the first failure. */
static int32_t declare_metrics(sensor_t sensor) {
  const char *celsius = NODE_UNIT_CELSIUS;
  const char *relative_humidity = NODE_UNIT_RELATIVE_HUMIDITY;
  int32_t status = HAL_OK;
  switch (sensor) {
    case SENSOR_TMP102:
      status = node_declare_metric(METRIC_TMP102_TEMPERATURE, "tmp102.temperature", celsius);
      break;
    case SENSOR_SHT31:
      status = first_failure(status, node_declare_metric(METRIC_SHT31_TEMPERATURE, "sht31.temperature", celsius));
      status = first_failure(status, node_declare_metric(METRIC_SHT31_HUMIDITY, "sht31.humidity", relative_humidity));
      break;
    case SENSOR_BME280:
      status = first_failure(status, node_declare_metric(METRIC_BME280_TEMPERATURE, "bme280.temperature", celsius));
      status = first_failure(status, node_declare_metric(METRIC_BME280_PRESSURE, "bme280.pressure", NODE_UNIT_PASCAL));
      status = first_failure(status, node_declare_metric(METRIC_BME280_HUMIDITY, "bme280.humidity", relative_humidity));
      break;
    default: {
      const char *accel = NODE_UNIT_METRES_PER_SECOND_SQUARED;
      const char *gyro = NODE_UNIT_RADIANS_PER_SECOND;
      status = first_failure(status, node_declare_metric(METRIC_MPU6050_ACCEL_X, "mpu6050.accel_x", accel));
      status = first_failure(status, node_declare_metric(METRIC_MPU6050_ACCEL_Y, "mpu6050.accel_y", accel));
      status = first_failure(status, node_declare_metric(METRIC_MPU6050_ACCEL_Z, "mpu6050.accel_z", accel));
      status = first_failure(status, node_declare_metric(METRIC_MPU6050_GYRO_X, "mpu6050.gyro_x", gyro));
      status = first_failure(status, node_declare_metric(METRIC_MPU6050_GYRO_Y, "mpu6050.gyro_y", gyro));
      status = first_failure(status, node_declare_metric(METRIC_MPU6050_GYRO_Z, "mpu6050.gyro_z", gyro));
      status = first_failure(status, node_declare_metric(METRIC_MPU6050_TEMPERATURE, "mpu6050.temperature", celsius));
    }
  }
  return status;
}

/* Reads the sensor and, if that worked, reports every value it gives. */
static int32_t read_and_report(sensor_t sensor) {
  int32_t status;
  switch (sensor) {
    case SENSOR_TMP102:
      status = tmp102_read(&node_ram.tmp102);
      if (status != HAL_OK) return status;
      hal_metric_report(METRIC_TMP102_TEMPERATURE, node_ram.tmp102.temperature_c);
      return HAL_OK;
    case SENSOR_SHT31:
      status = sht31_read(&node_ram.sht31);
      if (status != HAL_OK) return status;
      hal_metric_report(METRIC_SHT31_TEMPERATURE, node_ram.sht31.temperature_c);
      hal_metric_report(METRIC_SHT31_HUMIDITY, node_ram.sht31.humidity_percent);
      return HAL_OK;
    case SENSOR_BME280:
      status = bme280_read(&node_ram.bme280);
      if (status != HAL_OK) return status;
      hal_metric_report(METRIC_BME280_TEMPERATURE, node_ram.bme280.temperature_c);
      hal_metric_report(METRIC_BME280_PRESSURE, node_ram.bme280.pressure_pa);
      hal_metric_report(METRIC_BME280_HUMIDITY, node_ram.bme280.humidity_percent);
      return HAL_OK;
    default: {
      mpu6050_t *mpu6050 = &node_ram.mpu6050;
      status = mpu6050_read(mpu6050);
      if (status != HAL_OK) return status;
      hal_metric_report(METRIC_MPU6050_ACCEL_X, mpu6050->accel_x_mps2);
      hal_metric_report(METRIC_MPU6050_ACCEL_Y, mpu6050->accel_y_mps2);
      hal_metric_report(METRIC_MPU6050_ACCEL_Z, mpu6050->accel_z_mps2);
      hal_metric_report(METRIC_MPU6050_GYRO_X, mpu6050->gyro_x_rad_per_s);
      hal_metric_report(METRIC_MPU6050_GYRO_Y, mpu6050->gyro_y_rad_per_s);
      hal_metric_report(METRIC_MPU6050_GYRO_Z, mpu6050->gyro_z_rad_per_s);
      hal_metric_report(METRIC_MPU6050_TEMPERATURE, mpu6050->temperature_c);
      return HAL_OK;
    }
  }
}

/* ---- logs ---------------------------------------------------------------------------------------------- */

/* "<what>: <step> failed: <status-name> (<code>)" */
static void log_failure(node_log_level_t level, const char *what, const char *step, int32_t status) {
  node_log_begin();
  node_log_text(what);
  node_log_text(": ");
  node_log_text(step);
  node_log_text(" failed: ");
  node_log_text(node_status_name(status));
  node_log_text(" (");
  node_log_int(status);
  node_log_text(")");
  node_log_send(level);
}

static void log_found_sensors(void) {
  node_log_begin();
  node_log_text("sensor-node: found");
  int found = 0;
  for (int sensor = 0; sensor < SENSOR_COUNT; sensor++) {
    if (!slots[sensor].present) continue;
    node_log_text(" ");
    node_log_text(SENSOR_NAMES[sensor]);
    found++;
  }
  if (found == 0) node_log_text(" no sensors");
  node_log_send(NODE_LOG_INFO);
}

/* Logs a change of outcome: a warning for a new failure, info when the sensor works again. */
static void note_outcome(sensor_t sensor, const char *step, int32_t status) {
  slot_t *slot = &slots[sensor];
  if (status == slot->last_status) return;
  slot->last_status = status;
  if (status != HAL_OK) {
    log_failure(NODE_LOG_WARNING, SENSOR_NAMES[sensor], step, status);
    return;
  }
  node_log_begin();
  node_log_text(SENSOR_NAMES[sensor]);
  node_log_text(": recovered");
  node_log_send(NODE_LOG_INFO);
}

/* ---- one sensor per cycle ------------------------------------------------------------------------------ */

/* Initialises the sensor if it needs it, then reads it and reports. Returns the status of the step that ran last. */
static int32_t cycle_sensor(sensor_t sensor) {
  slot_t *slot = &slots[sensor];
  if (slot->needs_init) {
    int32_t status = initialise(sensor);
    if (status != HAL_OK) {
      note_outcome(sensor, "init", status);
      return status;
    }
    slot->needs_init = false;
  }
  int32_t status = read_and_report(sensor);
  if (status != HAL_OK) slot->needs_init = true;
  note_outcome(sensor, "read", status);
  return status;
}

/* Shows the error pattern while `errors`, else the user's mode (off: no LED command comes); acts only on a change. */
static void show_errors(bool errors, int64_t now_ms) {
  if (errors == showing_error_pattern) return;
  showing_error_pattern = errors;
  if (errors) {
    node_led_blink(&led, ERROR_BLINK_PERIOD_MS, now_ms);
  } else {
    node_led_off(&led);
  }
}

void sensor_node_init(void) {
  tmp102_setup(&node_ram.tmp102);
  sht31_setup(&node_ram.sht31);
  bme280_setup(&node_ram.bme280);
  /* ±4 g and ±500 °/s, sensor-node's ranges. */
  mpu6050_setup(&node_ram.mpu6050, MPU6050_ACCEL_4G, MPU6050_GYRO_500_DPS);
  node_led_setup(&led, LED_PIN);
  next_reading_ms = 0;
  last_reading_ms = -1;
  showing_error_pattern = false;

  int32_t status = node_led_configure(&led);
  if (status != HAL_OK) log_failure(NODE_LOG_WARNING, "led", "pin 0 setup", status);
  status = hal_pwm_set(LED_PWM_CHANNEL, LED_PWM_DUTY_OFF);
  if (status != HAL_OK) log_failure(NODE_LOG_WARNING, "led", "pwm 0 setup", status);

  for (int sensor = 0; sensor < SENSOR_COUNT; sensor++) {
    slot_t *slot = &slots[sensor];
    *slot = (slot_t){.last_status = HAL_OK};
    status = probe(sensor);
    if (status == NODE_WRONG_IDENTITY) log_failure(NODE_LOG_WARNING, SENSOR_NAMES[sensor], "identity check", status);
    if (status != HAL_OK) continue;
    slot->present = true;
    status = declare_metrics(sensor);
    if (status != HAL_OK) log_failure(NODE_LOG_ERROR, SENSOR_NAMES[sensor], "metric declaration", status);
    status = initialise(sensor);
    if (status != HAL_OK) {
      log_failure(NODE_LOG_WARNING, SENSOR_NAMES[sensor], "init", status);
      slot->needs_init = true;
      slot->last_status = status;
    }
  }
  log_found_sensors();
}

uint32_t sensor_node_tick(int64_t now_ms) {
  /* An LED edge due now switches before the sensor reads spend time in delay_us. */
  node_led_update(&led, now_ms);
  if (now_ms >= next_reading_ms) {
    bool errors = false;
    for (int sensor = 0; sensor < SENSOR_COUNT; sensor++) {
      if (slots[sensor].present && cycle_sensor(sensor) != HAL_OK) errors = true;
    }
    /* Keep the cadence of the first reading even if a tick comes late; start afresh if a whole interval was missed. */
    next_reading_ms = (last_reading_ms < 0 ? now_ms : next_reading_ms) + INTERVAL_MS;
    if (next_reading_ms <= now_ms) next_reading_ms = now_ms + INTERVAL_MS;
    last_reading_ms = now_ms;
    show_errors(errors, now_ms);
  }
  /* §2: the delay counts from the tick's start, whatever time the sensor reads spent in delay_us. */
  uint32_t until_led_edge_ms = node_led_update(&led, now_ms);
  uint64_t until_reading_ms = next_reading_ms > now_ms ? (uint64_t)(next_reading_ms - now_ms) : 0;
  return until_reading_ms < until_led_edge_ms ? (uint32_t)until_reading_ms : until_led_edge_ms;
}
