// BME280 driver: chip-id check, soft reset, trimming-parameter readout, forced-mode measurements with
// oversampling ×1 for temperature, pressure and humidity, compensated with Bosch's integer formulas.
import { loadU16BE, loadU24BE } from "../hal/bits";
import { delayUs } from "../hal/clock";
import { readRegisters, writeRegister8 } from "../hal/i2c";
import { Status } from "../hal/status";
import {
  Bme280Calibration,
  compensateHumidityQ22_10,
  compensatePressureQ24_8,
  compensateTFine,
  humidityPercentFromQ22_10,
  parseCalibration,
  pressurePaFromQ24_8,
  temperatureCFromCentiC,
  temperatureCentiCFromTFine,
} from "./convert";
import {
  BME280_ADDRESS,
  CALIBRATION_H_LENGTH,
  CALIBRATION_TP_LENGTH,
  CHIP_ID,
  CTRL_MEAS_OSRS_P_SHIFT,
  CTRL_MEAS_OSRS_T_SHIFT,
  DATA_20_BIT_SHIFT,
  DATA_HUMIDITY_AT,
  DATA_LENGTH,
  DATA_PRESSURE_AT,
  DATA_TEMPERATURE_AT,
  MEASUREMENT_TIME_X1_MAX_US,
  MODE_FORCED,
  NVM_COPY_POLLS,
  NVM_COPY_POLL_US,
  OVERSAMPLING_X1,
  REGISTER_CALIBRATION_H,
  REGISTER_CALIBRATION_TP,
  REGISTER_CHIP_ID,
  REGISTER_CTRL_HUM,
  REGISTER_CTRL_MEAS,
  REGISTER_DATA,
  REGISTER_RESET,
  REGISTER_STATUS,
  RESET_COMMAND,
  SKIPPED_HUMIDITY,
  SKIPPED_PRESSURE,
  SKIPPED_TEMPERATURE,
  STARTUP_TIME_MAX_US,
  STATUS_IM_UPDATE,
} from "./registers";

const calibrationTp = memory.data(CALIBRATION_TP_LENGTH);
const calibrationH = memory.data(CALIBRATION_H_LENGTH);
const data = memory.data(DATA_LENGTH);
const oneByte = memory.data(1);

/** ctrl_meas for one forced measurement: osrs_t ×1, osrs_p ×1, mode forced (§5.4.5). */
const CTRL_MEAS_FORCED_X1: i32 =
  (OVERSAMPLING_X1 << CTRL_MEAS_OSRS_T_SHIFT) | (OVERSAMPLING_X1 << CTRL_MEAS_OSRS_P_SHIFT) | MODE_FORCED;

export class Bme280 {
  /** The trimming parameters read by the last successful init. */
  readonly calibration: Bme280Calibration = new Bme280Calibration();
  /** The last values read successfully. */
  temperatureC: f64 = 0;
  pressurePa: f64 = 0;
  humidityPercent: f64 = 0;

  constructor(readonly address: i32 = BME280_ADDRESS) {}

  /** Reads chip_id (§5.4.1): OK for 0x60, WRONG_IDENTITY otherwise (a BMP280 reads 0x58), or the bus status. */
  probe(): i32 {
    const status = readRegisters(this.address, REGISTER_CHIP_ID, oneByte, 1);
    if (status != Status.Ok) return status;
    return <i32>load<u8>(oneByte) == CHIP_ID ? Status.Ok : Status.WrongIdentity;
  }

  /**
   * Probe, soft reset (§5.4.2), wait the start-up time and for im_update to clear (the NVM copy, §5.4.4;
   * TIMEOUT if it never does), then read the trimming parameters (§4.2.2).
   */
  init(): i32 {
    let status = this.probe();
    if (status != Status.Ok) return status;
    status = writeRegister8(this.address, REGISTER_RESET, RESET_COMMAND);
    if (status != Status.Ok) return status;
    status = delayUs(STARTUP_TIME_MAX_US);
    if (status != Status.Ok) return status;
    status = this.waitForNvmCopy();
    if (status != Status.Ok) return status;
    status = readRegisters(this.address, REGISTER_CALIBRATION_TP, calibrationTp, CALIBRATION_TP_LENGTH);
    if (status != Status.Ok) return status;
    status = readRegisters(this.address, REGISTER_CALIBRATION_H, calibrationH, CALIBRATION_H_LENGTH);
    if (status != Status.Ok) return status;
    parseCalibration(calibrationTp, calibrationH, this.calibration);
    return Status.Ok;
  }

  /**
   * One forced measurement: ctrl_hum then ctrl_meas (§5.4.3: ctrl_hum takes effect only after ctrl_meas; it is
   * written every time so a chip that lost its configuration measures humidity again), wait the §9.1 maximum,
   * burst-read 0xF7..0xFE and compensate. NO_DATA for a skipped measurement or unusable trimming.
   */
  read(): i32 {
    let status = writeRegister8(this.address, REGISTER_CTRL_HUM, OVERSAMPLING_X1);
    if (status != Status.Ok) return status;
    status = writeRegister8(this.address, REGISTER_CTRL_MEAS, CTRL_MEAS_FORCED_X1);
    if (status != Status.Ok) return status;
    status = delayUs(MEASUREMENT_TIME_X1_MAX_US);
    if (status != Status.Ok) return status;
    status = readRegisters(this.address, REGISTER_DATA, data, DATA_LENGTH);
    if (status != Status.Ok) return status;

    const adcP = loadU24BE(data + DATA_PRESSURE_AT) >> DATA_20_BIT_SHIFT;
    const adcT = loadU24BE(data + DATA_TEMPERATURE_AT) >> DATA_20_BIT_SHIFT;
    const adcH = loadU16BE(data + DATA_HUMIDITY_AT);
    if (adcP == SKIPPED_PRESSURE || adcT == SKIPPED_TEMPERATURE || adcH == SKIPPED_HUMIDITY) return Status.NoData;

    const calibration = this.calibration;
    const tFine = compensateTFine(adcT, calibration);
    const pressureQ24_8 = compensatePressureQ24_8(adcP, tFine, calibration);
    if (pressureQ24_8 == 0) return Status.NoData; // dig_P1 = 0: the trimming parameters are unusable
    this.temperatureC = temperatureCFromCentiC(temperatureCentiCFromTFine(tFine));
    this.pressurePa = pressurePaFromQ24_8(pressureQ24_8);
    this.humidityPercent = humidityPercentFromQ22_10(compensateHumidityQ22_10(adcH, tFine, calibration));
    return Status.Ok;
  }

  /** Polls status.im_update until the trimming parameters are copied to the image registers. */
  private waitForNvmCopy(): i32 {
    for (let poll = 0; poll < NVM_COPY_POLLS; poll++) {
      let status = readRegisters(this.address, REGISTER_STATUS, oneByte, 1);
      if (status != Status.Ok) return status;
      if ((<i32>load<u8>(oneByte) & STATUS_IM_UPDATE) == 0) return Status.Ok;
      status = delayUs(NVM_COPY_POLL_US);
      if (status != Status.Ok) return status;
    }
    return Status.Timeout;
  }
}
