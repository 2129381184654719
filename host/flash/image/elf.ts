import { ImageError } from '../errors.ts';
import { hex32, normalizeSegments, type FirmwareImage, type Segment } from './firmware-image.ts';

/** ELF header fields (System V gABI, "ELF Header"; ARM IHI 0044 "ELF for the Arm Architecture"). */
const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];
const EI_CLASS = 4;
const EI_DATA = 5;
const ELFCLASS32 = 1;
const ELFDATA2LSB = 1;
const ET_EXEC = 2;
const EM_ARM = 40;
const EV_CURRENT = 1;
const ELF32_HEADER_BYTES = 52;
const E_TYPE = 16;
const E_MACHINE = 18;
const E_VERSION = 20;
const E_ENTRY = 24;
const E_PHOFF = 28;
const E_PHENTSIZE = 42;
const E_PHNUM = 44;
/** Program header (gABI "Program Header"): ELF32 entries are 32 bytes. */
const ELF32_PHDR_BYTES = 32;
const P_TYPE = 0;
const P_OFFSET = 4;
const P_PADDR = 12;
const P_FILESZ = 16;
const P_MEMSZ = 20;
const PT_LOAD = 1;

/**
 * An ELF32 little-endian ARM executable: the file bytes of each PT_LOAD segment, placed at its physical (load)
 * address p_paddr, so initialised data goes where the startup code copies it from. The zero-filled tail
 * (p_memsz beyond p_filesz, .bss) is not programmed.
 */
export function parseElf(bytes: Uint8Array): FirmwareImage {
  if (bytes.length < ELF32_HEADER_BYTES) throw new ImageError(`truncated ELF: ${bytes.length} bytes, shorter than an ELF32 header`);
  if (!ELF_MAGIC.every((byte, i) => bytes[i] === byte)) throw new ImageError('not an ELF file (bad magic number)');
  if (bytes[EI_CLASS] !== ELFCLASS32) throw new ImageError('not a 32-bit ELF file: STM32 images are ELF32');
  if (bytes[EI_DATA] !== ELFDATA2LSB) throw new ImageError('not a little-endian ELF file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (offset: number): number => view.getUint16(offset, true);
  const u32 = (offset: number): number => view.getUint32(offset, true);
  if (u16(E_MACHINE) !== EM_ARM) throw new ImageError(`ELF machine ${u16(E_MACHINE)} is not ARM (${EM_ARM})`);
  if (u16(E_TYPE) !== ET_EXEC) throw new ImageError(`ELF type ${u16(E_TYPE)} is not an executable (${ET_EXEC}): link the firmware first`);
  if (u32(E_VERSION) !== EV_CURRENT) throw new ImageError(`ELF version ${u32(E_VERSION)} is unknown`);
  const phoff = u32(E_PHOFF);
  const phnum = u16(E_PHNUM);
  const phentsize = u16(E_PHENTSIZE);
  if (phnum === 0) throw new ImageError('the ELF file has no program headers');
  if (phentsize !== ELF32_PHDR_BYTES) throw new ImageError(`ELF program header size ${phentsize} is not ${ELF32_PHDR_BYTES}`);
  if (phoff + phnum * phentsize > bytes.length) throw new ImageError('truncated ELF: the program headers run past the end of the file');

  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const header = phoff + i * phentsize;
    if (u32(header + P_TYPE) !== PT_LOAD) continue;
    const offset = u32(header + P_OFFSET);
    const filesz = u32(header + P_FILESZ);
    const memsz = u32(header + P_MEMSZ);
    const paddr = u32(header + P_PADDR);
    if (filesz > memsz) throw new ImageError(`ELF segment ${i} has more file bytes (${filesz}) than memory bytes (${memsz})`);
    if (offset + filesz > bytes.length) {
      throw new ImageError(`truncated ELF: segment ${i} (${filesz} bytes for ${hex32(paddr)}) runs past the end of the file`);
    }
    if (filesz > 0) segments.push({ address: paddr, data: bytes.subarray(offset, offset + filesz) });
  }
  if (segments.length === 0) throw new ImageError('the ELF file has no loadable segment with bytes');
  return { format: 'elf', segments: normalizeSegments(segments), entry: u32(E_ENTRY) };
}
