// A dimmable LED on a PWM channel (docs/hal-abi.md §4.3; channel 0 is the board's dimmable LED, 1 kHz).
// setDutyU16 writes the duty as given (the BRIGHTNESS command's argument); setBrightness takes a perceived
// level 0..1 and applies a gamma of 2 (duty = level² · 65535), a cheap fit to the eye's response (CIE 1931
// lightness is close to a 2.2..2.5 power at these levels), so that 0.5 looks about half as bright.
import { pwm_set } from "../hal/hal";
import { Status } from "../hal/status";

/** §4.3: duty as a fraction of 65535. */
export const DUTY_MAX: i32 = 0xffff;

export class PwmLed {
  private duty: i32 = 0;

  constructor(readonly channel: i32) {}

  get dutyU16(): i32 {
    return this.duty;
  }

  /** Sets the raw duty (0 off .. 65535 always on); out-of-range values are refused by the HAL (BAD_ARGUMENT). */
  setDutyU16(dutyU16: i32): i32 {
    const status = pwm_set(this.channel, dutyU16);
    if (status == Status.Ok) this.duty = dutyU16;
    return status;
  }

  /** Sets a perceived brightness 0..1 (clamped; NaN is 0), gamma-corrected as described above. */
  setBrightness(level: f64): i32 {
    const clamped = level > 1 ? 1 : level > 0 ? level : 0;
    return this.setDutyU16(<i32>Math.round(clamped * clamped * <f64>DUTY_MAX));
  }
}
