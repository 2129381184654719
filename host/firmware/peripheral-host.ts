/**
 * The host's half of firmware in the loop (docs/firmware.md): the board QEMU lacks. Each PROXY_REQUEST the
 * firmware sends (docs/link-protocol.md §4.7) is answered by a SimBoard with the scenario's virtual chips and
 * faults, exactly as a simulated device's board would answer the same HAL call, with the request's time as the
 * board's clock.
 */
import { HalStatus } from '../abi/status.ts';
import type { ProxyRequestMessage, ProxyResponseMessage } from '../link/messages.ts';
import { hash32 } from '../sim/deterministic-noise.ts';
import type { Scenario } from '../sim/scenario.ts';
import { createSimBoard, type SimBoard } from '../sim/sim-board.ts';

const EMPTY = new Uint8Array(0);

export interface PeripheralHostOptions {
  /**
   * For tests: whether to hold back the response to `request`, as a host that lost it would. The board still
   * carries the request out; the response goes out late, just before the response to the next request, which
   * the device must not take for that one's (docs/firmware.md, "Firmware in the loop").
   */
  holdBack?(request: ProxyRequestMessage): boolean;
}

export class PeripheralHost {
  readonly board: SimBoard;
  private heldBack: ProxyResponseMessage[] = [];
  /** The host's time, µs, at which the device last booted: a request's time_us counts from there. */
  private bootAtUs = 0;

  /**
   * The board of device `index` in a simulation with `seed`: its faults, and noise seeded as host/sim/simulation.ts
   * seeds that device's (hash32(seed, index)).
   */
  constructor(
    scenario: Scenario,
    seed: number,
    index = 0,
    private readonly options: PeripheralHostOptions = {},
  ) {
    // The firmware logs over the link itself; nothing on the host side logs through the board.
    this.board = createSimBoard(scenario, hash32(seed, index), index, () => {});
  }

  /**
   * The device reset at `atUs` of the host's time (its clock starts again at 0): the board resets as a simulated
   * device's does on a reboot (pins back to inputs, PWM off), and the chips run on.
   */
  reboot(atUs: number): void {
    this.bootAtUs = atUs;
    this.board.nowUsValue = Math.max(this.board.nowUsValue, atUs);
    this.board.reset();
    this.heldBack = [];
  }

  /** What goes back over the link for `request`, in order: its answer, after any held back before it. */
  respond(request: ProxyRequestMessage): ProxyResponseMessage[] {
    const response = this.answer(request);
    if (this.options.holdBack?.(request)) {
      this.heldBack.push(response);
      return [];
    }
    const responses = [...this.heldBack, response];
    this.heldBack = [];
    return responses;
  }

  answer({ requestId, timeUs, operation }: ProxyRequestMessage): ProxyResponseMessage {
    this.board.nowUsValue = this.bootAtUs + timeUs;
    const respond = (status: HalStatus, data: Uint8Array = EMPTY): ProxyResponseMessage => ({
      type: 'proxy-response',
      requestId,
      status,
      data: status === HalStatus.Ok ? data : EMPTY,
    });
    switch (operation.op) {
      case 'i2c-write':
        return respond(this.board.i2cTransfer(operation.address, operation.data, EMPTY));
      case 'i2c-read': {
        const read = new Uint8Array(operation.readLength);
        return respond(this.board.i2cTransfer(operation.address, EMPTY, read), read);
      }
      case 'i2c-write-read': {
        const read = new Uint8Array(operation.readLength);
        return respond(this.board.i2cTransfer(operation.address, operation.data, read), read);
      }
      case 'gpio-mode':
        return respond(this.board.gpioMode(operation.pin, operation.mode));
      case 'gpio-write':
        return respond(this.board.gpioWrite(operation.pin, operation.level));
      case 'gpio-read': {
        const { status, level } = this.board.gpioRead(operation.pin);
        return respond(status, Uint8Array.of(level));
      }
      case 'pwm-set':
        return respond(this.board.pwmSet(operation.channel, operation.dutyU16));
    }
  }
}
