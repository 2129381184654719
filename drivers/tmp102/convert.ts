// TMP102 raw → SI (°C). Pure functions, tested on the rows of SBOS397 §6.5.2 tables.
import { signExtend } from "../hal/bits";
import {
  CELSIUS_PER_LSB,
  TEMPERATURE_BITS_EXTENDED,
  TEMPERATURE_BITS_NORMAL,
  TEMPERATURE_EXTENDED_FLAG,
  TEMPERATURE_SHIFT_EXTENDED,
  TEMPERATURE_SHIFT_NORMAL,
} from "./registers";

/** A 12-bit (normal mode) temperature code, e.g. 0x190 → 25 °C, 0xE70 → −25 °C. */
export function temperatureCFromCode12(code: i32): f64 {
  return <f64>signExtend(code, TEMPERATURE_BITS_NORMAL) * CELSIUS_PER_LSB;
}

/** A 13-bit (extended mode) temperature code, e.g. 0x0960 → 150 °C, 0x1C90 → −55 °C. */
export function temperatureCFromCode13(code: i32): f64 {
  return <f64>signExtend(code, TEMPERATURE_BITS_EXTENDED) * CELSIUS_PER_LSB;
}

/** The whole 16-bit temperature register as read (MSB first); D0 says which format it is in. */
export function temperatureCFromRegister(register: i32): f64 {
  return (register & TEMPERATURE_EXTENDED_FLAG) != 0
    ? temperatureCFromCode13(register >> TEMPERATURE_SHIFT_EXTENDED)
    : temperatureCFromCode12(register >> TEMPERATURE_SHIFT_NORMAL);
}
