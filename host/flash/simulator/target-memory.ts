import { SRAM_BASE, type ChipLine } from '../chips.ts';
import { FlashMemory, type FlashResult } from './flash-memory.ts';
import { BYTE_MASK, BITS_PER_BYTE } from '../protocol/frames.ts';

const FLASH_SIZE_REGISTER_BYTES = 2;
const BYTES_PER_KB = 1024;

/**
 * The memory the bootloader lets the host reach: the flash, the SRAM above what the bootloader keeps for itself
 * (AN2606), and the flash size data register in system memory. Everything else is refused (NACK).
 */
export class TargetMemory {
  readonly flash: FlashMemory;
  readonly sram: Uint8Array;

  constructor(
    readonly chip: ChipLine,
    flashBytes: number,
  ) {
    this.flash = new FlashMemory(chip, flashBytes);
    this.sram = new Uint8Array(chip.ram.bytes);
  }

  private inSram(address: number, length: number): boolean {
    return address >= SRAM_BASE && address + length <= SRAM_BASE + this.sram.length;
  }

  private inUserSram(address: number, length: number): boolean {
    return this.inSram(address, length) && address >= SRAM_BASE + this.chip.ram.bootloaderBytes;
  }

  private inSizeRegister(address: number, length: number): boolean {
    const start = this.chip.flashSizeRegister;
    return address >= start && address + length <= start + FLASH_SIZE_REGISTER_BYTES;
  }

  /** The bytes, or undefined for an address the bootloader refuses. */
  read(address: number, length: number): Uint8Array | undefined {
    if (this.flash.contains(address, length)) return this.flash.read(address, length);
    if (this.inSram(address, length)) return this.sram.slice(address - SRAM_BASE, address - SRAM_BASE + length);
    if (this.inSizeRegister(address, length)) {
      const kb = this.flash.flashBytes / BYTES_PER_KB;
      const register = Uint8Array.of(kb & BYTE_MASK, (kb >>> BITS_PER_BYTE) & BYTE_MASK);
      const offset = address - this.chip.flashSizeRegister;
      return register.slice(offset, offset + length);
    }
    return undefined;
  }

  /** Whether Read Memory or Go may start at this address. */
  readable(address: number): boolean {
    return this.read(address, 1) !== undefined;
  }

  /** Whether Write Memory may start at this address. */
  writable(address: number): boolean {
    return this.flash.contains(address) || this.inUserSram(address, 1);
  }

  write(address: number, data: Uint8Array): FlashResult | 'refused' {
    if (this.flash.contains(address, data.length)) return this.flash.program(address, data);
    if (this.inUserSram(address, data.length)) {
      this.sram.set(data, address - SRAM_BASE);
      return 'ok';
    }
    return 'refused';
  }
}
