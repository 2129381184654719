/**
 * A firmware image on an emulated board (docs/firmware.md, "Firmware in the loop"): qemu-system-arm with the
 * board's machine, the link's UART on the process's stdin and stdout, and instruction counting (-icount) for
 * time, so the device's clock advances with the instructions it runs and jumps over its sleeps (sleep=off):
 * runs repeat, and idle stretches take no wall time.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { MissingToolError } from './toolchain.ts';

/** QEMU's -icount shift: 2^3 = 8 ns of device time per instruction, near a 168 MHz Cortex-M4's pace. */
export const DEFAULT_ICOUNT_SHIFT = 3;

export interface QemuOptions {
  machine: string;
  elf: string;
  icountShift?: number;
  /**
   * A Unix socket the host listens on for the board's clock gate (firmware/hal/proxy/gate.h): QEMU's second serial
   * port (USART2) connects to it. Without one the port has no backend, and the firmware sleeps ungated.
   */
  gateSocket?: string;
  /**
   * Instead of the serial ports, Arm semihosting (the image's file writes and exit, firmware/hal/stm32f4/
   * semihosting.h), for the build's run of an image (host/firmware/code-section.ts).
   */
  semihosting?: boolean;
}

export type QemuProcess = ChildProcessByStdio<Writable, Readable, Readable>;

export function qemuArguments({ machine, elf, icountShift = DEFAULT_ICOUNT_SHIFT, gateSocket, semihosting }: QemuOptions): string[] {
  const ports = semihosting
    ? ['-semihosting-config', 'enable=on,target=native']
    : // USART1 is QEMU's first serial port (hw/arm/stm32f405_soc.c), USART2 its second.
      [...['-serial', 'stdio'], ...(gateSocket === undefined ? [] : ['-serial', `unix:${gateSocket}`])];
  return [
    ...['-machine', machine, '-nodefaults', '-display', 'none', '-monitor', 'none'],
    ...ports,
    ...['-icount', `shift=${icountShift},sleep=off,align=off`],
    ...['-kernel', elf],
  ];
}

/** Starts QEMU; resolves once it runs, rejects with MissingToolError when it is not installed. */
export function startQemu(options: QemuOptions): Promise<QemuProcess> {
  const child = spawn('qemu-system-arm', qemuArguments(options), { stdio: ['pipe', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve(child));
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new MissingToolError('qemu-system-arm') : error),
    );
  });
}
