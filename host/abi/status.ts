/**
 * Status codes every HAL call returns across the Wasm boundary (docs/hal-abi.md §3).
 * The numbers are part of ABI v1; drivers/hal/status.ts restates them for the device side.
 */
export const HalStatus = {
  Ok: 0,
  /** No device acknowledged the 7-bit address. */
  NackAddress: 1,
  /** The device acknowledged its address but refused a data byte (unknown register, busy). */
  NackData: 2,
  /** Bus error: arbitration lost, SDA/SCL stuck, misplaced START/STOP. */
  BusError: 3,
  /** The peripheral did not complete in time. */
  Timeout: 4,
  /** A pointer/length outside linear memory, an out-of-range argument, or a call in the wrong phase. */
  BadArgument: 5,
  /** The call is valid but this board lacks the resource (pin, PWM channel, bus). */
  Unsupported: 6,
} as const;

export type HalStatus = (typeof HalStatus)[keyof typeof HalStatus];

const statusNames: Record<HalStatus, string> = {
  [HalStatus.Ok]: 'ok',
  [HalStatus.NackAddress]: 'nack-address',
  [HalStatus.NackData]: 'nack-data',
  [HalStatus.BusError]: 'bus-error',
  [HalStatus.Timeout]: 'timeout',
  [HalStatus.BadArgument]: 'bad-argument',
  [HalStatus.Unsupported]: 'unsupported',
};

export function halStatusName(status: number): string {
  return statusNames[status as HalStatus] ?? `unknown-status-${status}`;
}
