import { HalStatus } from '../abi/status.ts';
import type { I2cTarget } from './i2c-target.ts';
import type { Fault } from './scenario.ts';

const US_PER_S = 1_000_000;

/** A chip with a CRC the bus can corrupt (SHT3x). */
interface CrcCorruptible {
  setCrcCorruption(enabled: boolean): void;
}

function isCrcCorruptible(target: I2cTarget): target is I2cTarget & CrcCorruptible {
  return typeof (target as Partial<CrcCorruptible>).setCrcCorruption === 'function';
}

type UnplugFault = Extract<Fault, { kind: 'unplug' }>;

/**
 * One I2C bus of a simulated device: the chips on it by address, and the scenario's bus faults applied at the
 * time of each transaction. An address nobody answers is NACKed, as on a real bus.
 */
export class VirtualI2cBus {
  private readonly targets = new Map<number, I2cTarget>();
  /** Unplug windows whose end (the chip's power-on) has not been applied yet. */
  private pendingReplugs: UnplugFault[];

  /** `faults` are this device's faults only. */
  constructor(private readonly faults: readonly Fault[] = []) {
    this.pendingReplugs = faults.filter((fault): fault is UnplugFault => fault.kind === 'unplug');
  }

  attach(target: I2cTarget): void {
    if (this.targets.has(target.address)) {
      throw new Error(`two chips at I2C address 0x${target.address.toString(16)}`);
    }
    this.targets.set(target.address, target);
  }

  target(address: number): I2cTarget | undefined {
    return this.targets.get(address);
  }

  transfer(address: number, write: Uint8Array, read: Uint8Array, nowUs: number): HalStatus {
    if (this.pendingReplugs.length > 0) this.replugEnded(nowUs);
    const nowS = nowUs / US_PER_S;
    let crcCorrupted = false;
    for (const fault of this.faults) {
      if (nowS < fault.fromS || nowS >= fault.toS) continue;
      switch (fault.kind) {
        case 'bus-stuck':
          return HalStatus.Timeout;
        case 'bus-error':
          return HalStatus.BusError;
        case 'nack':
        case 'unplug':
          if (fault.address === address) return HalStatus.NackAddress;
          break;
        case 'crc-corruption':
          crcCorrupted ||= fault.address === address;
          break;
        case 'out-of-range':
        case 'stuck':
        case 'calibration-drift':
        case 'erratic':
          // What the chips sense, not how the bus behaves: applied by the environments they are given.
          break;
      }
    }
    const target = this.targets.get(address);
    if (target === undefined) return HalStatus.NackAddress;
    if (isCrcCorruptible(target)) target.setCrcCorruption(crcCorrupted);
    return target.transfer(write, read, nowUs);
  }

  /** A chip plugged back in powers on at the end of its unplug window, whether or not anyone was asking. */
  private replugEnded(nowUs: number): void {
    const ended = this.pendingReplugs.filter((fault) => fault.toS * US_PER_S <= nowUs);
    if (ended.length === 0) return;
    this.pendingReplugs = this.pendingReplugs.filter((fault) => !ended.includes(fault));
    for (const fault of ended) this.targets.get(fault.address)?.powerOnReset(fault.toS * US_PER_S);
  }
}
