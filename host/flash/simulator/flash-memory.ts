import { FLASH_BASE, type ChipLine, type Sector } from '../chips.ts';
import { ERASED_BYTE } from '../plan.ts';

export type FlashResult = 'ok' | 'protected' | 'not-erased' | 'no-such-sector';

/**
 * The flash array of the simulated chip: pages or sectors that erase to 0xFF, and programming that can only
 * clear bits (a byte programmed over a different, non-erased value is an error and ends up as the AND of both,
 * as on the silicon). Sectors can be write-protected. `stuckBits` models a worn cell for verify tests.
 */
export class FlashMemory {
  readonly sectors: Sector[];
  readonly bytes: Uint8Array;
  readonly writeProtected = new Set<number>();
  /** Address → bits that read as 1 whatever is programmed. */
  readonly stuckBits = new Map<number, number>();

  constructor(
    chip: ChipLine,
    readonly flashBytes: number,
  ) {
    this.sectors = chip.sectors(flashBytes);
    this.bytes = new Uint8Array(flashBytes).fill(ERASED_BYTE);
  }

  contains(address: number, length = 1): boolean {
    return address >= FLASH_BASE && address + length <= FLASH_BASE + this.flashBytes;
  }

  read(address: number, length: number): Uint8Array {
    return this.bytes.slice(address - FLASH_BASE, address - FLASH_BASE + length);
  }

  sectorAt(address: number): Sector | undefined {
    return this.sectors.find((sector) => address >= sector.address && address < sector.address + sector.bytes);
  }

  eraseSectors(indexes: number[]): FlashResult {
    const sectors = indexes.map((index) => this.sectors.find((sector) => sector.index === index));
    if (sectors.some((sector) => sector === undefined)) return 'no-such-sector';
    if (indexes.some((index) => this.writeProtected.has(index))) return 'protected';
    for (const sector of sectors) this.erase(sector!);
    return 'ok';
  }

  /** Refused while any sector is write-protected (RM0090: the flash interface reports WRPERR). */
  massErase(): FlashResult {
    if (this.writeProtected.size > 0) return 'protected';
    this.bytes.fill(ERASED_BYTE);
    return 'ok';
  }

  /** Erases everything whatever the protection, as a readout-protection regression does. */
  eraseAll(): void {
    this.bytes.fill(ERASED_BYTE);
  }

  program(address: number, data: Uint8Array): FlashResult {
    for (let at = address; at < address + data.length; at++) {
      if (this.writeProtected.has(this.sectorAt(at)!.index)) return 'protected';
    }
    let result: FlashResult = 'ok';
    const offset = address - FLASH_BASE;
    data.forEach((value, i) => {
      const current = this.bytes[offset + i]!;
      if ((current & value) !== value) result = 'not-erased';
      this.bytes[offset + i] = (current & value) | (this.stuckBits.get(address + i) ?? 0);
    });
    return result;
  }

  private erase(sector: Sector): void {
    const start = sector.address - FLASH_BASE;
    this.bytes.fill(ERASED_BYTE, start, start + sector.bytes);
  }
}
