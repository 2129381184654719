/**
 * Why a board booted (firmware/hal/boot.h; docs/firmware.md, "Boot and reset"). On QEMU, one power cycle of
 * test/firmware/boot-harness/: a system reset, a reboot and each kind of fault, each boot reading the reset record
 * the last one left in .noinit. On the host, firmware/hal/reset_record.c with what QEMU cannot make: the chip's
 * reset flags, RAM that a power cycle leaves with any pattern, a record a stray write broke.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_DIR, PROJECT_ROOT } from '../../host/build/paths.ts';
import { buildFirmware, type FirmwareBuild } from '../../host/firmware/build.ts';
import { startQemu } from '../../host/firmware/qemu.ts';
import { appPath } from '../support/apps.ts';
import { buildNativeProgram, runLines } from './support/native.ts';

const run = promisify(execFile);

const BOARDS = ['netduinoplus2', 'nucleo-f411re', 'stm32f4-discovery'];
const HARNESS_DIR = path.join(PROJECT_ROOT, 'test', 'firmware', 'boot-harness');
/** hal/boot.h, restated. */
const CAUSE = { powerOn: 0, reset: 1, watchdog: 2, reboot: 3 };
const FAULT = { none: 0, hard: 1, memory: 2, bus: 3, usage: 4 };
/** hal/reset_record.h's RESET_FLAG_* bits. */
const FLAG = { power: 1, pin: 2, software: 4, watchdog: 8, lowPower: 16 };
/** ARMv7-M ARM §B3.2.15 CFSR bits. */
const CFSR = { iaccviol: 1 << 0, preciserr: 1 << 9, stkerr: 1 << 12, bfarvalid: 1 << 15, undefinstr: 1 << 16 };
/** firmware/hal/reset_record.h: ten words. */
const RECORD_BYTES = 40;
const RAM_START = 0x2000_0000;
const QEMU_LIMIT_MS = 30_000;

interface Boot {
  count: number;
  cause: number;
  fault: { kind: number; pc: number; status: number; address: number };
  nonce: number;
  resetFlags: number;
}

/** The harness's lines from one QEMU run, to its `done`. */
async function runHarness(build: FirmwareBuild): Promise<string[]> {
  const qemu = await startQemu({ machine: build.board.qemuMachine!, elf: build.elf });
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no 'done' from the harness:\n${output}`)), QEMU_LIMIT_MS);
      qemu.stdout.setEncoding('latin1').on('data', (text: string) => {
        output += text;
        if (output.includes('done\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
      qemu.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`QEMU exited with ${code}:\n${output}`));
      });
    });
  } finally {
    qemu.kill('SIGKILL');
  }
  return output.split('\n').slice(0, -1);
}

function parseBoot(line: string): Boot {
  const [count, cause, kind, pc, status, address, nonce, resetFlags] = line
    .split(' ')
    .slice(1)
    .map((hex) => Number.parseInt(hex, 16));
  return { count: count!, cause: cause!, fault: { kind: kind!, pc: pc!, status: status!, address: address! }, nonce: nonce!, resetFlags: resetFlags! };
}

describe('the reset record', { timeout: 180_000 }, () => {
  const builds = new Map<string, FirmwareBuild>();

  beforeAll(async () => {
    for (const board of BOARDS) {
      builds.set(
        board,
        await buildFirmware({
          board,
          appPath: appPath('sensor-node'),
          mainDir: HARNESS_DIR,
          outDir: path.join(BUILD_DIR, 'test-firmware', 'reset-record', board),
        }),
      );
    }
  }, 180_000);

  it.each(BOARDS)('lies in a NOLOAD .noinit section at the start of RAM, with no byte in the image (%s)', async (board) => {
    const { elf } = builds.get(board)!;
    const { stdout: headers } = await run('arm-none-eabi-objdump', ['-h', elf]);
    const noinit = /^\s*\d+\s+\.noinit\s+([0-9a-f]+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+[0-9a-f]+\s+\S+\n\s*(.*)$/m.exec(headers);
    expect(noinit, headers).not.toBeNull();
    expect(Number.parseInt(noinit![1]!, 16)).toBe(RECORD_BYTES);
    expect(Number.parseInt(noinit![2]!, 16)).toBe(RAM_START);
    // ALLOC alone: no CONTENTS, no LOAD.
    expect(noinit![3]!.trim()).toBe('ALLOC');
    // QEMU's -kernel writes each segment's file bytes again at every reset: the one holding .noinit has none.
    const { stdout: segments } = await run('arm-none-eabi-readelf', ['-lW', elf]);
    const loads = [...segments.matchAll(/^\s*LOAD\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)/gm)];
    const holding = loads.filter(([, vaddr, , memsz]) => {
      const start = Number.parseInt(vaddr!, 16);
      return start <= RAM_START && RAM_START < start + Number.parseInt(memsz!, 16);
    });
    expect(holding.map(([, , filesz]) => Number.parseInt(filesz!, 16))).toEqual([0]);
  });

  describe('on QEMU, one power cycle', () => {
    let boots: Boot[];
    let lines: string[];
    const at = (name: string) => Number.parseInt(lines.find((line) => line.startsWith(`at ${name} `))!.split(' ')[2]!, 16);

    beforeAll(async () => {
      lines = await runHarness(builds.get('netduinoplus2')!);
      boots = lines.filter((line) => line.startsWith('boot ')).map(parseBoot);
    }, 60_000);

    it('counts every boot from 1 at power-on, with the cause each reset had', () => {
      const none = { kind: FAULT.none, pc: 0, status: 0, address: 0 };
      expect(boots.map(({ count, cause, fault }) => ({ count, cause, fault: fault.kind }))).toEqual([
        { count: 1, cause: CAUSE.powerOn, fault: FAULT.none },
        { count: 2, cause: CAUSE.reset, fault: FAULT.none },
        { count: 3, cause: CAUSE.reboot, fault: FAULT.none },
        { count: 4, cause: CAUSE.reset, fault: FAULT.bus },
        { count: 5, cause: CAUSE.reset, fault: FAULT.none },
        { count: 6, cause: CAUSE.reset, fault: FAULT.usage },
        { count: 7, cause: CAUSE.reset, fault: FAULT.memory },
        { count: 8, cause: CAUSE.reset, fault: FAULT.hard },
        { count: 9, cause: CAUSE.reset, fault: FAULT.bus },
      ]);
      // A fault is reported by the boot after it, and not again after the next reset.
      expect(boots[4]!.fault).toEqual(none);
      expect(lines.at(-1)).toBe('done');
    });

    it("lets the line sent before board_reboot() out whole", () => {
      expect(lines).toContain(
        'a line sent just before the reboot, which must reach the host whole: 0123456789abcdefghijklmnopqrstuvwxyz',
      );
    });

    it('reports each fault with the faulting instruction and CFSR', () => {
      expect(boots[3]!.fault).toEqual({
        kind: FAULT.bus,
        pc: at('bus'),
        status: CFSR.bfarvalid | CFSR.preciserr,
        address: 0x4008_0000,
      });
      expect(boots[5]!.fault).toEqual({ kind: FAULT.usage, pc: at('usage'), status: CFSR.undefinstr, address: 0 });
      // An instruction fetch from the Execute Never region stacks the address it tried to fetch.
      expect(boots[6]!.fault).toEqual({ kind: FAULT.memory, pc: 0xe000_0000, status: CFSR.iaccviol, address: 0 });
      // The same undefined instruction with interrupts masked cannot take UsageFault's priority: escalated.
      expect(boots[7]!.fault).toEqual({ kind: FAULT.hard, pc: at('hard'), status: CFSR.undefinstr, address: 0 });
      // A push below RAM, and the frame that could not be stacked there: no PC to report, and still a report.
      expect(boots[8]!.fault).toEqual({
        kind: FAULT.bus,
        pc: 0,
        status: CFSR.bfarvalid | CFSR.stkerr | CFSR.preciserr,
        address: 0x1fff_fefc,
      });
    });

    it('gives each boot its own non-zero nonce', () => {
      const nonces = boots.map((boot) => boot.nonce);
      expect(nonces).not.toContain(0);
      expect(new Set(nonces).size).toBe(nonces.length);
    });

    it('reads no reset flags: QEMU does not model RCC_CSR, so the record alone decides', () => {
      expect(boots.map((boot) => boot.resetFlags)).toEqual(boots.map(() => 0));
    });
  });

  describe('on the host, with reset flags', () => {
    let request: (script: string[]) => Promise<string[]>;

    beforeAll(async () => {
      const program = await buildNativeProgram('reset-record-harness', [
        'test/firmware/native/reset-record-harness.c',
        'firmware/hal/reset_record.c',
      ]);
      request = (script) => runLines(program, script);
    });

    /** `boot <flags>` answers, as [cause, count, fault kind]. */
    const boots = (answers: string[]) =>
      answers.filter((answer) => answer !== 'ok').map((answer) => answer.split(' ').slice(0, 3).map(Number));

    it('starts the count at 1 whatever RAM held, and counts on while no flag says the power failed', async () => {
      for (const seed of [1, 2, 0xdead]) {
        expect(boots(await request([`power ${seed}`, 'boot 0', 'boot 0', `boot ${FLAG.pin}`]))).toEqual([
          [CAUSE.powerOn, 1, FAULT.none],
          [CAUSE.reset, 2, FAULT.none],
          [CAUSE.reset, 3, FAULT.none],
        ]);
      }
      // Power-on and brown-out flags start again even when RAM kept the record.
      expect(boots(await request(['power 7', 'boot 0', 'boot 0', `boot ${FLAG.power | FLAG.pin}`, 'boot 0']))).toEqual([
        [CAUSE.powerOn, 1, FAULT.none],
        [CAUSE.reset, 2, FAULT.none],
        [CAUSE.powerOn, 1, FAULT.none],
        [CAUSE.reset, 2, FAULT.none],
      ]);
    });

    it('says watchdog when a watchdog flag is set, even over a reboot mark', async () => {
      expect(
        boots(await request(['power 1', 'boot 0', `boot ${FLAG.watchdog | FLAG.pin}`, 'reboot', `boot ${FLAG.watchdog}`])),
      ).toEqual([
        [CAUSE.powerOn, 1, FAULT.none],
        [CAUSE.watchdog, 2, FAULT.none],
        [CAUSE.watchdog, 3, FAULT.none],
      ]);
    });

    it('says reboot once for a marked reset, unless the flags name another than a software reset', async () => {
      expect(
        boots(
          await request([
            'power 1', 'boot 0',
            'reboot', 'boot 0',
            'reboot', `boot ${FLAG.software | FLAG.pin}`,
            'boot 0',
            'reboot', `boot ${FLAG.pin}`,
            'reboot', `boot ${FLAG.lowPower}`,
          ]),
        ),
      ).toEqual([
        [CAUSE.powerOn, 1, FAULT.none],
        [CAUSE.reboot, 2, FAULT.none],
        [CAUSE.reboot, 3, FAULT.none],
        [CAUSE.reset, 4, FAULT.none],
        [CAUSE.reset, 5, FAULT.none],
        [CAUSE.reset, 6, FAULT.none],
      ]);
    });

    it('reports a fault to the next boot only, and none that a power cycle came between', async () => {
      const answers = await request([
        'power 1', 'boot 0',
        `fault ${FAULT.bus} 134221824 33280 1073741824`, `boot ${FLAG.software | FLAG.pin}`,
        'boot 0',
        `fault ${FAULT.usage} 1 2 0`, `boot ${FLAG.power}`,
      ]);
      expect(answers.filter((answer) => answer !== 'ok')).toEqual([
        `${CAUSE.powerOn} 1 0 0 0 0`,
        `${CAUSE.reset} 2 ${FAULT.bus} 134221824 33280 1073741824`,
        `${CAUSE.reset} 3 0 0 0 0`,
        `${CAUSE.powerOn} 1 0 0 0 0`,
      ]);
    });

    it('takes a record a stray write broke for a power-on, and keeps no fault in one that is not valid', async () => {
      expect(boots(await request(['power 1', 'boot 0', 'boot 0', 'poke 1 77', 'boot 0']))).toEqual([
        [CAUSE.powerOn, 1, FAULT.none],
        [CAUSE.reset, 2, FAULT.none],
        [CAUSE.powerOn, 1, FAULT.none],
      ]);
      expect(boots(await request(['power 1', `fault ${FAULT.hard} 1 2 3`, 'boot 0']))).toEqual([[CAUSE.powerOn, 1, FAULT.none]]);
    });

    it('gives a different non-zero nonce on every boot of a power cycle, even with the same samples', async () => {
      const script = ['power 1'];
      for (let boot = 0; boot < 500; boot++) script.push('boot 0', 'nonce 42 0');
      const nonces = (await request(script)).slice(1).filter((_, index) => index % 2 === 1).map(Number);
      expect(nonces).toHaveLength(500);
      expect(nonces).not.toContain(0);
      expect(new Set(nonces).size).toBe(500);
      // Another power-up pattern, another sequence.
      const other = (await request(['power 2', 'boot 0', 'nonce 42 0']))[2];
      expect(Number(other)).not.toBe(nonces[0]);
    });
  });
});
