// SHT3x driver: soft reset, status-register probe, single-shot high-repeatability measurement without clock
// stretching. Every word is checked against its CRC; a mismatch is Status.Crc, never a dropped or stale value.
import { loadU16BE } from "../hal/bits";
import { delayUs } from "../hal/clock";
import { readBytes, writeCommand16 } from "../hal/i2c";
import { Status } from "../hal/status";
import { crc8Word, humidityPercentFromRaw, temperatureCFromRaw } from "./convert";
import {
  COMMAND_MEASURE_HIGH_NO_STRETCH,
  COMMAND_READ_STATUS,
  COMMAND_SOFT_RESET,
  CRC_AT,
  HUMIDITY_WORD_AT,
  MEASUREMENT_LENGTH,
  MEASUREMENT_TIME_HIGH_MAX_US,
  SHT31_ADDRESS,
  SOFT_RESET_TIME_MAX_US,
  TEMPERATURE_WORD_AT,
  WORD_WITH_CRC_LENGTH,
} from "./registers";

const rx = memory.data(MEASUREMENT_LENGTH);

/** True when the word at `ptr` matches the CRC byte after it. */
function wordCrcMatches(ptr: usize): bool {
  return crc8Word(loadU16BE(ptr)) == <i32>load<u8>(ptr, CRC_AT);
}

export class Sht31 {
  /** The last values read successfully. */
  temperatureC: f64 = 0;
  humidityPercent: f64 = 0;
  /** The status register (§4.11 Table 17) as last read by probe. */
  statusRegister: i32 = 0;

  constructor(readonly address: i32 = SHT31_ADDRESS) {}

  /** Reads the status register (§4.11): OK when it arrives with a valid CRC, CRC otherwise, or the bus status. */
  probe(): i32 {
    let status = writeCommand16(this.address, COMMAND_READ_STATUS);
    if (status != Status.Ok) return status;
    status = readBytes(this.address, rx, WORD_WITH_CRC_LENGTH);
    if (status != Status.Ok) return status;
    if (!wordCrcMatches(rx)) return Status.Crc;
    this.statusRegister = loadU16BE(rx);
    return Status.Ok;
  }

  /** Soft reset (§4.9), wait t_SR, then probe. */
  init(): i32 {
    let status = writeCommand16(this.address, COMMAND_SOFT_RESET);
    if (status != Status.Ok) return status;
    status = delayUs(SOFT_RESET_TIME_MAX_US);
    if (status != Status.Ok) return status;
    return this.probe();
  }

  /** One single-shot measurement (§4.3, §4.4): command, wait the max duration, read 6 bytes, check both CRCs. */
  read(): i32 {
    let status = writeCommand16(this.address, COMMAND_MEASURE_HIGH_NO_STRETCH);
    if (status != Status.Ok) return status;
    status = delayUs(MEASUREMENT_TIME_HIGH_MAX_US);
    if (status != Status.Ok) return status;
    status = readBytes(this.address, rx, MEASUREMENT_LENGTH);
    if (status != Status.Ok) return status;
    const temperatureWord = rx + TEMPERATURE_WORD_AT;
    const humidityWord = rx + HUMIDITY_WORD_AT;
    if (!wordCrcMatches(temperatureWord) || !wordCrcMatches(humidityWord)) return Status.Crc;
    this.temperatureC = temperatureCFromRaw(loadU16BE(temperatureWord));
    this.humidityPercent = humidityPercentFromRaw(loadU16BE(humidityWord));
    return Status.Ok;
  }
}
