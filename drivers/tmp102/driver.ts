// TMP102 driver: probe, configure, read the temperature register.
import { loadU16BE } from "../hal/bits";
import { delayUs } from "../hal/clock";
import { readRegisters, writeRegister16BE } from "../hal/i2c";
import { Status } from "../hal/status";
import { temperatureCFromRegister } from "./convert";
import {
  CONFIG_POWER_UP,
  CONFIG_RESOLUTION_12_BIT,
  CONFIG_RESOLUTION_MASK,
  CONFIG_UNUSED_MASK,
  CONVERSION_TIME_MAX_US,
  POINTER_CONFIGURATION,
  POINTER_TEMPERATURE,
  REGISTER_LENGTH,
  TMP102_ADDRESS,
} from "./registers";

const rx = memory.data(REGISTER_LENGTH);

export class Tmp102 {
  /** The last temperature read successfully. */
  temperatureC: f64 = 0;

  constructor(readonly address: i32 = TMP102_ADDRESS) {}

  /**
   * Reads the configuration register: OK if its read-only R1:R0 bits are 11 and its unused bits 0 (§6.5.3;
   * the chip has no ID register), WRONG_IDENTITY if not, or the bus status.
   */
  probe(): i32 {
    const status = readRegisters(this.address, POINTER_CONFIGURATION, rx, REGISTER_LENGTH);
    if (status != Status.Ok) return status;
    const config = loadU16BE(rx);
    const fixedBitsMatch =
      (config & CONFIG_RESOLUTION_MASK) == CONFIG_RESOLUTION_12_BIT && (config & CONFIG_UNUSED_MASK) == 0;
    return fixedBitsMatch ? Status.Ok : Status.WrongIdentity;
  }

  /**
   * Probes, writes the power-up configuration (continuous 4 Hz, 12-bit) whatever state the chip was left in,
   * then waits one conversion time: a chip that has just powered up reads 0 °C until its first conversion.
   */
  init(): i32 {
    let status = this.probe();
    if (status != Status.Ok) return status;
    status = writeRegister16BE(this.address, POINTER_CONFIGURATION, CONFIG_POWER_UP);
    if (status != Status.Ok) return status;
    return delayUs(CONVERSION_TIME_MAX_US);
  }

  /** Reads the latest conversion into temperatureC (either register format). */
  read(): i32 {
    const status = readRegisters(this.address, POINTER_TEMPERATURE, rx, REGISTER_LENGTH);
    if (status != Status.Ok) return status;
    this.temperatureC = temperatureCFromRegister(loadU16BE(rx));
    return Status.Ok;
  }
}
