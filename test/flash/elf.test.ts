import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool } from '../../host/firmware/toolchain.ts';
import { ImageError } from '../../host/flash/errors.ts';
import { parseElf } from '../../host/flash/image/elf.ts';
import { parseIntelHex } from '../../host/flash/image/intel-hex.ts';
import { buildElf, type ProgramHeader } from './support.ts';

const PAYLOAD_AT = 52 + 3 * 32;
const TEXT = [0x00, 0x00, 0x02, 0x20, 0x09, 0x00, 0x00, 0x08];
const DATA = [0x78, 0x56, 0x34, 0x12];
const GOOD_HEADERS: ProgramHeader[] = [
  { type: 1, offset: PAYLOAD_AT, vaddr: 0x0800_0000, paddr: 0x0800_0000, filesz: 8, memsz: 8 },
  { type: 4, offset: PAYLOAD_AT, vaddr: 0, paddr: 0, filesz: 4, memsz: 4 }, // PT_NOTE: not loaded
  { type: 1, offset: PAYLOAD_AT + 8, vaddr: 0x2000_0000, paddr: 0x0800_0008, filesz: 4, memsz: 12 }, // .data + .bss
];
const GOOD = buildElf(GOOD_HEADERS, Uint8Array.from([...TEXT, ...DATA]));

describe('ELF', () => {
  it('loads PT_LOAD file bytes at their physical address, leaving out .bss', () => {
    const image = parseElf(GOOD);
    expect(image.format).toBe('elf');
    expect(image.entry).toBe(0x0800_0009);
    expect(image.segments).toHaveLength(1);
    expect(image.segments[0]!.address).toBe(0x0800_0000);
    expect([...image.segments[0]!.data]).toEqual([...TEXT, ...DATA]);
  });

  it.each([
    ['a truncated header', GOOD.subarray(0, 40), /truncated ELF/],
    ['a bad magic number', buildElf(GOOD_HEADERS, new Uint8Array(12), (v) => v.setUint8(1, 0x46)), /bad magic/],
    ['a 64-bit file', buildElf(GOOD_HEADERS, new Uint8Array(12), (v) => v.setUint8(4, 2)), /not a 32-bit/],
    ['a big-endian file', buildElf(GOOD_HEADERS, new Uint8Array(12), (v) => v.setUint8(5, 2)), /little-endian/],
    ['another machine', buildElf(GOOD_HEADERS, new Uint8Array(12), (v) => v.setUint16(18, 62, true)), /machine 62 is not ARM/],
    ['an object file', buildElf(GOOD_HEADERS, new Uint8Array(12), (v) => v.setUint16(16, 1, true)), /not an executable/],
    ['program headers past the end', buildElf(GOOD_HEADERS, new Uint8Array(12), (v) => v.setUint16(44, 40, true)), /program headers run past/],
    ['a segment past the end', GOOD.subarray(0, GOOD.length - 2), /segment 2 .* runs past the end/],
    ['more file bytes than memory', buildElf([{ ...GOOD_HEADERS[0]!, offset: 84, memsz: 4 }], new Uint8Array(8)), /more file bytes/],
    ['nothing loadable', buildElf([{ ...GOOD_HEADERS[0]!, offset: 84, filesz: 0 }], new Uint8Array(8)), /no loadable segment/],
  ])('refuses %s, naming the problem', (_name, bytes, message) => {
    expect(() => parseElf(bytes)).toThrow(ImageError);
    expect(() => parseElf(bytes)).toThrow(message);
  });
});

// CI installs the toolchain: without it these tests fail, naming the tool and its package, rather than pass unseen.
describe('ELF and HEX from arm-none-eabi-gcc, checked against objcopy -O binary', () => {
  let dir = '';
  let expected: number[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wasmote-elf-'));
    writeFileSync(
      path.join(dir, 'fw.c'),
      'int counter = 0x12345678;\nconst char message[] = "wasmote";\nint zeroed;\n' +
        'void Reset_Handler(void) { for (;;) { counter++; zeroed += message[counter & 7]; } }\n' +
        '__attribute__((section(".isr_vector"))) const void *vectors[] = { (void *)0x20020000, (void *)Reset_Handler };\n',
    );
    writeFileSync(
      path.join(dir, 'fw.ld'),
      'MEMORY { FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 1024K\n RAM (rwx) : ORIGIN = 0x20000000, LENGTH = 128K }\n' +
        'ENTRY(Reset_Handler)\nSECTIONS {\n .isr_vector : { KEEP(*(.isr_vector)) } > FLASH\n' +
        ' .text : { *(.text*) *(.rodata*) . = ALIGN(4); } > FLASH\n .data : { *(.data*) . = ALIGN(4); } > RAM AT > FLASH\n' +
        ' .bss : { *(.bss*) *(COMMON) } > RAM\n}\n',
    );
    await runTool('arm-none-eabi-gcc', ['-mcpu=cortex-m4', '-mthumb', '-O0', '-nostdlib', '-T', 'fw.ld', 'fw.c', '-o', 'fw.elf'], dir);
    await runTool('arm-none-eabi-objcopy', ['-O', 'binary', 'fw.elf', 'fw.bin'], dir);
    await runTool('arm-none-eabi-objcopy', ['-O', 'ihex', 'fw.elf', 'fw.hex'], dir);
    expected = [...readFileSync(path.join(dir, 'fw.bin'))];
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the ELF gives the bytes objcopy puts in the binary, .data at its load address', () => {
    const image = parseElf(readFileSync(path.join(dir, 'fw.elf')));
    expect(image.segments).toHaveLength(1);
    expect(image.segments[0]!.address).toBe(0x0800_0000);
    expect([...image.segments[0]!.data]).toEqual(expected);
    expect(expected.slice(-4)).toEqual([0x78, 0x56, 0x34, 0x12]);
  });

  it('the HEX gives the same bytes and the entry point', () => {
    const image = parseIntelHex(readFileSync(path.join(dir, 'fw.hex'), 'latin1'));
    expect(image.segments[0]!.address).toBe(0x0800_0000);
    expect([...image.segments[0]!.data]).toEqual(expected);
    expect(image.entry).toBe(parseElf(readFileSync(path.join(dir, 'fw.elf'))).entry);
  });
});
