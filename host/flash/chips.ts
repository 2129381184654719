/**
 * The chip table: what the flasher and the simulated bootloader need to know per product ID (AN3155 §3.3 Get ID).
 * Sources: AN2606 "STM32 microcontroller system memory boot mode" (product IDs, bootloader RAM, erase command),
 * the families' reference manuals (flash organisation, flash size data register) and datasheets (flash timing,
 * typical values; maxima are about twice these).
 */
import { Command } from './protocol/commands.ts';

const KB = 1024;
export const FLASH_BASE = 0x0800_0000;
export const SRAM_BASE = 0x2000_0000;

/** One erasable unit: a page, or a sector on families with sectors. `index` is the number Erase takes. */
export interface Sector {
  index: number;
  address: number;
  bytes: number;
}

/** Flash timing from the family datasheet's "Flash memory characteristics" table (typical values). */
export interface FlashTiming {
  /** Programming time per 32 bits of data. */
  programUsPerWord: number;
  /** Erase time of one page or sector, by its size in bytes. */
  eraseMs(sectorBytes: number): number;
  /** Mass erase time for the whole flash. */
  massEraseMs(flashBytes: number): number;
}

export interface ChipLine {
  productId: number;
  family: string;
  /** The line as AN2606 names it. */
  name: string;
  /** Part names accepted by `flash simulate --chip`, with their flash size (the largest variant). */
  parts: Record<string, { flashKB: number }>;
  /** The flash size of the largest part, used when the flash size register cannot be read. */
  maxFlashBytes: number;
  /** Reference manual "Flash size data register": flash size in KB, 16 bits little-endian. */
  flashSizeRegister: number;
  /** Pages or sectors of a part with `flashBytes` of flash, from FLASH_BASE. */
  sectors(flashBytes: number): Sector[];
  /** SRAM: size of the largest part, and the bytes at SRAM_BASE the bootloader keeps for itself (AN2606). */
  ram: { bytes: number; bootloaderBytes: number };
  /** AN2606: protocol version the bootloader reports, and its erase command (AN3155 §3: 0x43 or 0x44, never both). */
  bootloader: { version: number; eraseCommand: typeof Command.Erase | typeof Command.ExtendedErase };
  timing: FlashTiming;
}

/** Uniform pages (F0, F1, F3, L0, L4, G0, G4). */
function pages(pageBytes: number): (flashBytes: number) => Sector[] {
  return (flashBytes) =>
    Array.from({ length: Math.floor(flashBytes / pageBytes) }, (_, index) => ({
      index,
      address: FLASH_BASE + index * pageBytes,
      bytes: pageBytes,
    }));
}

/** RM0090 §3.3 Table 5/6: F4 banks are 4×16 KB, 1×64 KB, then 128 KB sectors; a second bank starts at sector 12. */
const F4_SMALL_SECTORS = [16 * KB, 16 * KB, 16 * KB, 16 * KB, 64 * KB];
const F4_LARGE_SECTOR_BYTES = 128 * KB;
const F4_BANK_BYTES = 1024 * KB;
const F4_SECTORS_PER_BANK = 12;
function f4Sectors(dualBankFlashBytes?: number): (flashBytes: number) => Sector[] {
  return (flashBytes) => {
    const dualBank = dualBankFlashBytes !== undefined && flashBytes >= dualBankFlashBytes;
    const bankBytes = dualBank ? flashBytes / 2 : flashBytes;
    const result: Sector[] = [];
    for (let bank = 0; bank < (dualBank ? 2 : 1); bank++) {
      let address = FLASH_BASE + bank * bankBytes;
      let index = bank * F4_SECTORS_PER_BANK;
      const end = address + bankBytes;
      for (const bytes of F4_SMALL_SECTORS) {
        if (address >= end) break;
        result.push({ index: index++, address, bytes });
        address += bytes;
      }
      for (; address < end; address += F4_LARGE_SECTOR_BYTES) result.push({ index: index++, address, bytes: F4_LARGE_SECTOR_BYTES });
    }
    return result;
  };
}

/** RM0433 §4.3: H7 banks of 128 KB sectors. */
const H7_SECTOR_BYTES = 128 * KB;
function h7Sectors(flashBytes: number): Sector[] {
  return pages(H7_SECTOR_BYTES)(flashBytes);
}

/** F0, F1, F3 datasheets: page erase and mass erase 20–40 ms, 16-bit programming about 53 µs. */
const F0_F1_F3_TIMING: FlashTiming = {
  programUsPerWord: 2 * 53,
  eraseMs: () => 30,
  massEraseMs: () => 30,
};
/** F4 datasheets (x32 parallelism): word 16 µs; 16/64/128 KB sectors 250/550/1000 ms; mass erase 8 s per MB. */
const F4_ERASE_MS_BY_SECTOR: Record<number, number> = { [16 * KB]: 250, [64 * KB]: 550, [128 * KB]: 1000 };
const F4_MASS_ERASE_MS_PER_MB = 8000;
const F4_TIMING: FlashTiming = {
  programUsPerWord: 16,
  eraseMs: (bytes) => F4_ERASE_MS_BY_SECTOR[bytes] ?? F4_ERASE_MS_BY_SECTOR[128 * KB]!,
  massEraseMs: (flashBytes) => (F4_MASS_ERASE_MS_PER_MB * flashBytes) / (1024 * KB),
};
/** L0 datasheets: page erase and half-page (16 words) programming 3.2 ms each. */
const L0_PAGE_BYTES = 128;
const L0_TIMING: FlashTiming = {
  programUsPerWord: 3200 / 16,
  eraseMs: () => 3.2,
  massEraseMs: (flashBytes) => (3.2 * flashBytes) / L0_PAGE_BYTES,
};
/** L4, G0, G4 datasheets: 64-bit programming about 82 µs, page erase and mass erase about 22 ms. */
const L4_G_TIMING: FlashTiming = {
  programUsPerWord: 82 / 2,
  eraseMs: () => 22,
  massEraseMs: () => 22,
};
/** H7 datasheets: 256-bit flash word 16 µs (2 µs per 32 bits); 128 KB sector erase about 1 s; bank erase about 8 s. */
const H7_TIMING: FlashTiming = {
  programUsPerWord: 2,
  eraseMs: () => 1000,
  massEraseMs: () => 8000,
};

const EXTENDED = { version: 0x31, eraseCommand: Command.ExtendedErase } as const;
const LEGACY = { version: 0x22, eraseCommand: Command.Erase } as const;

// "Flash size data register" in each reference manual's "Device electronic signature" chapter.
const F0_F3_SIZE_REGISTER = 0x1fff_f7cc; // RM0091, RM0316
const F1_SIZE_REGISTER = 0x1fff_f7e0; // RM0008
const F4_SIZE_REGISTER = 0x1fff_7a22; // RM0090
const L0_SIZE_REGISTER = 0x1ff8_007c; // RM0367
const L4_G_SIZE_REGISTER = 0x1fff_75e0; // RM0351, RM0444, RM0440
const H7_SIZE_REGISTER = 0x1ff1_e880; // RM0433

type Row = Omit<ChipLine, 'maxFlashBytes' | 'parts'> & { parts: Record<string, number> };

function line(row: Row): ChipLine {
  const parts = Object.fromEntries(Object.entries(row.parts).map(([name, flashKB]) => [name, { flashKB }]));
  const maxFlashBytes = Math.max(...Object.values(row.parts)) * KB;
  return { ...row, parts, maxFlashBytes };
}

export const CHIPS: readonly ChipLine[] = [
  // F0
  line({ productId: 0x440, family: 'F0', name: 'STM32F030x8/F05x', parts: { stm32f030x8: 64, stm32f051: 64 }, flashSizeRegister: F0_F3_SIZE_REGISTER, sectors: pages(1 * KB), ram: { bytes: 8 * KB, bootloaderBytes: 2 * KB }, bootloader: EXTENDED, timing: F0_F1_F3_TIMING }),
  line({ productId: 0x444, family: 'F0', name: 'STM32F03x', parts: { stm32f030x4: 16, stm32f031: 32 }, flashSizeRegister: F0_F3_SIZE_REGISTER, sectors: pages(1 * KB), ram: { bytes: 4 * KB, bootloaderBytes: 2 * KB }, bootloader: EXTENDED, timing: F0_F1_F3_TIMING }),
  line({ productId: 0x442, family: 'F0', name: 'STM32F030xC/F09x', parts: { stm32f030xc: 256, stm32f091: 256 }, flashSizeRegister: F0_F3_SIZE_REGISTER, sectors: pages(2 * KB), ram: { bytes: 32 * KB, bootloaderBytes: 6 * KB }, bootloader: EXTENDED, timing: F0_F1_F3_TIMING }),
  line({ productId: 0x445, family: 'F0', name: 'STM32F04x/F070x6', parts: { stm32f042: 32, stm32f070x6: 32 }, flashSizeRegister: F0_F3_SIZE_REGISTER, sectors: pages(1 * KB), ram: { bytes: 6 * KB, bootloaderBytes: 6 * KB }, bootloader: EXTENDED, timing: F0_F1_F3_TIMING }),
  line({ productId: 0x448, family: 'F0', name: 'STM32F07x', parts: { stm32f072: 128, stm32f070xb: 128 }, flashSizeRegister: F0_F3_SIZE_REGISTER, sectors: pages(2 * KB), ram: { bytes: 16 * KB, bootloaderBytes: 6 * KB }, bootloader: EXTENDED, timing: F0_F1_F3_TIMING }),
  // F1
  line({ productId: 0x412, family: 'F1', name: 'STM32F10x low-density', parts: { stm32f103x6: 32 }, flashSizeRegister: F1_SIZE_REGISTER, sectors: pages(1 * KB), ram: { bytes: 10 * KB, bootloaderBytes: 512 }, bootloader: LEGACY, timing: F0_F1_F3_TIMING }),
  line({ productId: 0x410, family: 'F1', name: 'STM32F10x medium-density', parts: { stm32f103xb: 128, stm32f103c8: 64 }, flashSizeRegister: F1_SIZE_REGISTER, sectors: pages(1 * KB), ram: { bytes: 20 * KB, bootloaderBytes: 512 }, bootloader: LEGACY, timing: F0_F1_F3_TIMING }),
  line({ productId: 0x414, family: 'F1', name: 'STM32F10x high-density', parts: { stm32f103xe: 512 }, flashSizeRegister: F1_SIZE_REGISTER, sectors: pages(2 * KB), ram: { bytes: 64 * KB, bootloaderBytes: 512 }, bootloader: LEGACY, timing: F0_F1_F3_TIMING }),
  line({ productId: 0x430, family: 'F1', name: 'STM32F10x XL-density', parts: { stm32f103xg: 1024 }, flashSizeRegister: F1_SIZE_REGISTER, sectors: pages(2 * KB), ram: { bytes: 96 * KB, bootloaderBytes: 2 * KB }, bootloader: EXTENDED, timing: F0_F1_F3_TIMING }),
  line({ productId: 0x418, family: 'F1', name: 'STM32F105/107 connectivity line', parts: { stm32f105: 256, stm32f107: 256 }, flashSizeRegister: F1_SIZE_REGISTER, sectors: pages(2 * KB), ram: { bytes: 64 * KB, bootloaderBytes: 4 * KB }, bootloader: LEGACY, timing: F0_F1_F3_TIMING }),
  line({ productId: 0x420, family: 'F1', name: 'STM32F100 medium-density value line', parts: { stm32f100xb: 128 }, flashSizeRegister: F1_SIZE_REGISTER, sectors: pages(1 * KB), ram: { bytes: 8 * KB, bootloaderBytes: 512 }, bootloader: LEGACY, timing: F0_F1_F3_TIMING }),
  line({ productId: 0x428, family: 'F1', name: 'STM32F100 high-density value line', parts: { stm32f100xe: 512 }, flashSizeRegister: F1_SIZE_REGISTER, sectors: pages(2 * KB), ram: { bytes: 32 * KB, bootloaderBytes: 512 }, bootloader: LEGACY, timing: F0_F1_F3_TIMING }),
  // F3
  line({ productId: 0x422, family: 'F3', name: 'STM32F302xB(C)/303xB(C)/358', parts: { stm32f303xc: 256, stm32f302xc: 256 }, flashSizeRegister: F0_F3_SIZE_REGISTER, sectors: pages(2 * KB), ram: { bytes: 40 * KB, bootloaderBytes: 5 * KB }, bootloader: EXTENDED, timing: F0_F1_F3_TIMING }),
  line({ productId: 0x432, family: 'F3', name: 'STM32F373/378', parts: { stm32f373: 256 }, flashSizeRegister: F0_F3_SIZE_REGISTER, sectors: pages(2 * KB), ram: { bytes: 32 * KB, bootloaderBytes: 5 * KB }, bootloader: EXTENDED, timing: F0_F1_F3_TIMING }),
  line({ productId: 0x438, family: 'F3', name: 'STM32F303x4(6/8)/334/328', parts: { stm32f334: 64, stm32f303x8: 64 }, flashSizeRegister: F0_F3_SIZE_REGISTER, sectors: pages(2 * KB), ram: { bytes: 12 * KB, bootloaderBytes: 6 * KB }, bootloader: EXTENDED, timing: F0_F1_F3_TIMING }),
  line({ productId: 0x439, family: 'F3', name: 'STM32F301/302x4(6/8)/318', parts: { stm32f301: 64, stm32f302x8: 64 }, flashSizeRegister: F0_F3_SIZE_REGISTER, sectors: pages(2 * KB), ram: { bytes: 16 * KB, bootloaderBytes: 6 * KB }, bootloader: EXTENDED, timing: F0_F1_F3_TIMING }),
  line({ productId: 0x446, family: 'F3', name: 'STM32F302xD(E)/303xD(E)/398', parts: { stm32f303xe: 512 }, flashSizeRegister: F0_F3_SIZE_REGISTER, sectors: pages(2 * KB), ram: { bytes: 64 * KB, bootloaderBytes: 6 * KB }, bootloader: EXTENDED, timing: F0_F1_F3_TIMING }),
  // F4
  line({ productId: 0x413, family: 'F4', name: 'STM32F405/407/415/417', parts: { stm32f405: 1024, stm32f407: 1024, stm32f415: 1024, stm32f417: 1024 }, flashSizeRegister: F4_SIZE_REGISTER, sectors: f4Sectors(), ram: { bytes: 128 * KB, bootloaderBytes: 12 * KB }, bootloader: EXTENDED, timing: F4_TIMING }),
  line({ productId: 0x419, family: 'F4', name: 'STM32F42x/43x', parts: { stm32f427: 2048, stm32f429: 2048, stm32f437: 2048, stm32f439: 2048 }, flashSizeRegister: F4_SIZE_REGISTER, sectors: f4Sectors(2 * F4_BANK_BYTES), ram: { bytes: 192 * KB, bootloaderBytes: 12 * KB }, bootloader: EXTENDED, timing: F4_TIMING }),
  line({ productId: 0x423, family: 'F4', name: 'STM32F401xB(C)', parts: { stm32f401xc: 256, stm32f401xb: 128 }, flashSizeRegister: F4_SIZE_REGISTER, sectors: f4Sectors(), ram: { bytes: 64 * KB, bootloaderBytes: 12 * KB }, bootloader: EXTENDED, timing: F4_TIMING }),
  line({ productId: 0x433, family: 'F4', name: 'STM32F401xD(E)', parts: { stm32f401xe: 512, stm32f401xd: 384 }, flashSizeRegister: F4_SIZE_REGISTER, sectors: f4Sectors(), ram: { bytes: 96 * KB, bootloaderBytes: 12 * KB }, bootloader: EXTENDED, timing: F4_TIMING }),
  line({ productId: 0x431, family: 'F4', name: 'STM32F411xx', parts: { stm32f411: 512 }, flashSizeRegister: F4_SIZE_REGISTER, sectors: f4Sectors(), ram: { bytes: 128 * KB, bootloaderBytes: 12 * KB }, bootloader: EXTENDED, timing: F4_TIMING }),
  line({ productId: 0x458, family: 'F4', name: 'STM32F410xx', parts: { stm32f410: 128 }, flashSizeRegister: F4_SIZE_REGISTER, sectors: f4Sectors(), ram: { bytes: 32 * KB, bootloaderBytes: 12 * KB }, bootloader: EXTENDED, timing: F4_TIMING }),
  line({ productId: 0x441, family: 'F4', name: 'STM32F412xx', parts: { stm32f412: 1024 }, flashSizeRegister: F4_SIZE_REGISTER, sectors: f4Sectors(), ram: { bytes: 256 * KB, bootloaderBytes: 12 * KB }, bootloader: EXTENDED, timing: F4_TIMING }),
  line({ productId: 0x421, family: 'F4', name: 'STM32F446xx', parts: { stm32f446: 512 }, flashSizeRegister: F4_SIZE_REGISTER, sectors: f4Sectors(), ram: { bytes: 128 * KB, bootloaderBytes: 12 * KB }, bootloader: EXTENDED, timing: F4_TIMING }),
  line({ productId: 0x434, family: 'F4', name: 'STM32F469/479', parts: { stm32f469: 2048, stm32f479: 2048 }, flashSizeRegister: F4_SIZE_REGISTER, sectors: f4Sectors(2 * F4_BANK_BYTES), ram: { bytes: 384 * KB, bootloaderBytes: 12 * KB }, bootloader: EXTENDED, timing: F4_TIMING }),
  line({ productId: 0x463, family: 'F4', name: 'STM32F413/423', parts: { stm32f413: 1536, stm32f423: 1536 }, flashSizeRegister: F4_SIZE_REGISTER, sectors: f4Sectors(), ram: { bytes: 320 * KB, bootloaderBytes: 12 * KB }, bootloader: EXTENDED, timing: F4_TIMING }),
  // L0
  line({ productId: 0x425, family: 'L0', name: 'STM32L031/041', parts: { stm32l031: 32 }, flashSizeRegister: L0_SIZE_REGISTER, sectors: pages(L0_PAGE_BYTES), ram: { bytes: 8 * KB, bootloaderBytes: 4 * KB }, bootloader: EXTENDED, timing: L0_TIMING }),
  line({ productId: 0x417, family: 'L0', name: 'STM32L05x/06x', parts: { stm32l053: 64 }, flashSizeRegister: L0_SIZE_REGISTER, sectors: pages(L0_PAGE_BYTES), ram: { bytes: 8 * KB, bootloaderBytes: 4 * KB }, bootloader: EXTENDED, timing: L0_TIMING }),
  line({ productId: 0x447, family: 'L0', name: 'STM32L07x/08x', parts: { stm32l072: 192 }, flashSizeRegister: L0_SIZE_REGISTER, sectors: pages(L0_PAGE_BYTES), ram: { bytes: 20 * KB, bootloaderBytes: 8 * KB }, bootloader: EXTENDED, timing: L0_TIMING }),
  // L4
  line({ productId: 0x435, family: 'L4', name: 'STM32L43x/44x', parts: { stm32l432: 256 }, flashSizeRegister: L4_G_SIZE_REGISTER, sectors: pages(2 * KB), ram: { bytes: 48 * KB, bootloaderBytes: 12 * KB }, bootloader: EXTENDED, timing: L4_G_TIMING }),
  line({ productId: 0x462, family: 'L4', name: 'STM32L45x/46x', parts: { stm32l452: 512 }, flashSizeRegister: L4_G_SIZE_REGISTER, sectors: pages(2 * KB), ram: { bytes: 128 * KB, bootloaderBytes: 12 * KB }, bootloader: EXTENDED, timing: L4_G_TIMING }),
  line({ productId: 0x415, family: 'L4', name: 'STM32L47x/48x', parts: { stm32l476: 1024 }, flashSizeRegister: L4_G_SIZE_REGISTER, sectors: pages(2 * KB), ram: { bytes: 96 * KB, bootloaderBytes: 12 * KB }, bootloader: EXTENDED, timing: L4_G_TIMING }),
  // G0, G4
  line({ productId: 0x466, family: 'G0', name: 'STM32G03x/04x', parts: { stm32g031: 64 }, flashSizeRegister: L4_G_SIZE_REGISTER, sectors: pages(2 * KB), ram: { bytes: 8 * KB, bootloaderBytes: 4 * KB }, bootloader: EXTENDED, timing: L4_G_TIMING }),
  line({ productId: 0x460, family: 'G0', name: 'STM32G07x/08x', parts: { stm32g071: 128 }, flashSizeRegister: L4_G_SIZE_REGISTER, sectors: pages(2 * KB), ram: { bytes: 36 * KB, bootloaderBytes: 4 * KB }, bootloader: EXTENDED, timing: L4_G_TIMING }),
  line({ productId: 0x468, family: 'G4', name: 'STM32G431/441', parts: { stm32g431: 128 }, flashSizeRegister: L4_G_SIZE_REGISTER, sectors: pages(2 * KB), ram: { bytes: 32 * KB, bootloaderBytes: 16 * KB }, bootloader: EXTENDED, timing: L4_G_TIMING }),
  line({ productId: 0x469, family: 'G4', name: 'STM32G47x/48x', parts: { stm32g474: 512 }, flashSizeRegister: L4_G_SIZE_REGISTER, sectors: pages(2 * KB), ram: { bytes: 128 * KB, bootloaderBytes: 16 * KB }, bootloader: EXTENDED, timing: L4_G_TIMING }),
  // H7
  line({ productId: 0x450, family: 'H7', name: 'STM32H74x/75x', parts: { stm32h743: 2048, stm32h750: 128 }, flashSizeRegister: H7_SIZE_REGISTER, sectors: h7Sectors, ram: { bytes: 128 * KB, bootloaderBytes: 16 * KB }, bootloader: EXTENDED, timing: H7_TIMING }),
];

export function chipById(productId: number): ChipLine | undefined {
  return CHIPS.find((chip) => chip.productId === productId);
}

/** A part by name for the simulator: `stm32f405`, case-insensitive. */
export function partByName(name: string): { chip: ChipLine; part: string; flashBytes: number } | undefined {
  const wanted = name.toLowerCase();
  for (const chip of CHIPS) {
    const part = chip.parts[wanted];
    if (part) return { chip, part: wanted, flashBytes: part.flashKB * KB };
  }
  return undefined;
}

export function partNames(): string[] {
  return CHIPS.flatMap((chip) => Object.keys(chip.parts));
}
