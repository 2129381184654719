import type { GpioReadResult, HalPort } from '../abi/hal-port.ts';
import { HalStatus } from '../abi/status.ts';
import { createBoardChips } from './board-chips.ts';
import { isChipFault } from './chip-faults.ts';
import { ScenarioEnvironment } from './environment.ts';
import type { I2cTarget } from './i2c-target.ts';
import type { Scenario } from './scenario.ts';
import { VirtualI2cBus } from './virtual-i2c-bus.ts';
import { VirtualGpio, VirtualPwm } from './virtual-pins.ts';

/** The simulated board's resources (docs/hal-abi.md §4.2, §4.3: pin 0 is the user LED, PWM channel 0 the dimmable LED). */
export const SIM_BOARD_GPIO_PINS = 4;
export const SIM_BOARD_PWM_CHANNELS = 1;
export const LED_PIN = 0;
export const LED_PWM_CHANNEL = 0;

/**
 * A simulated board: one device's clock, I2C bus, GPIO and PWM, offered to its app as a HalPort.
 * `delay_us` advances the device's virtual clock without wall time passing.
 */
export class SimBoard implements HalPort {
  /** Fleet time, µs: what the virtual chips and the pin histories see. */
  nowUsValue = 0;
  /** Fleet time of the device's last boot: its monotonic clock counts from here (docs/hal-abi.md §4.4). */
  private bootAtUs = 0;
  readonly gpio = new VirtualGpio(SIM_BOARD_GPIO_PINS, () => this.nowUsValue);
  readonly pwm = new VirtualPwm(SIM_BOARD_PWM_CHANNELS, () => this.nowUsValue);

  constructor(
    readonly bus: VirtualI2cBus,
    private readonly onLog: (level: number, text: string) => void,
  ) {}

  attach(chip: I2cTarget): void {
    this.bus.attach(chip);
  }

  i2cTransfer(address: number, write: Uint8Array, read: Uint8Array): HalStatus {
    return this.bus.transfer(address, write, read, this.nowUsValue);
  }

  gpioMode(pin: number, mode: number): HalStatus {
    return this.gpio.mode(pin, mode);
  }

  gpioWrite(pin: number, level: number): HalStatus {
    return this.gpio.write(pin, level);
  }

  gpioRead(pin: number): GpioReadResult {
    return this.gpio.read(pin);
  }

  pwmSet(channel: number, dutyU16: number): HalStatus {
    return this.pwm.set(channel, dutyU16);
  }

  nowUs(): number {
    return this.nowUsValue - this.bootAtUs;
  }

  /** A reset of the microcontroller: pins back to inputs, PWM off, the clock from 0. The chips keep running. */
  reset(): void {
    this.bootAtUs = this.nowUsValue;
    this.gpio.reset();
    this.pwm.reset();
  }

  delayUs(us: number): HalStatus {
    this.nowUsValue += us;
    return HalStatus.Ok;
  }

  log(level: number, text: string): void {
    this.onLog(level, text);
  }
}

/**
 * The board of fleet device `index`: the scenario's chips in an environment seeded with `deviceSeed`, and the
 * faults that apply to this device. The simulator and the firmware-in-the-loop host both build boards here, so
 * the same scenario and seed give both the same world.
 */
export function createSimBoard(
  scenario: Scenario,
  deviceSeed: number,
  index: number,
  onLog: (level: number, text: string) => void,
): SimBoard {
  const faults = scenario.faults.filter((fault) => fault.devices === undefined || fault.devices.includes(index));
  const board = new SimBoard(new VirtualI2cBus(faults), onLog);
  const environment = new ScenarioEnvironment(scenario, deviceSeed, index);
  for (const chip of createBoardChips(scenario.chips, environment, faults.filter(isChipFault), deviceSeed)) board.attach(chip);
  return board;
}
