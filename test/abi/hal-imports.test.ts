import { describe, expect, it } from 'vitest';
import { AppInstance, compileAppModule } from '../../host/abi/app-instance.ts';
import { AppMemory } from '../../host/abi/app-memory.ts';
import { createHalImports } from '../../host/abi/hal-imports.ts';
import type { GpioReadResult, HalPort } from '../../host/abi/hal-port.ts';
import type { HalStatus } from '../../host/abi/status.ts';
import { MetricTable } from '../../host/abi/metric-table.ts';
import { testAppBytes } from '../support/apps.ts';

// docs/hal-abi.md §3, restated.
const OK = 0;
const NACK_ADDRESS = 1;
const BAD_ARGUMENT = 5;
const UNSUPPORTED = 6;
/** One 64 KiB Wasm page. */
const MEMORY_BYTES = 65_536;
const BOARD_PINS = 4;

/**
 * A board with pins 0..3, PWM channel 0 and nothing on its I2C bus, that notes every call reaching it before
 * answering. It answers only for what a board holds: UNSUPPORTED for a pin or channel it lacks, and BAD_ARGUMENT
 * for a write to a pin it does not hold as an output (it keeps the pin modes, docs/hal-abi.md §4.2). It never
 * judges an argument's range, so a range check missing from the import layer shows as a call noted here.
 */
class NotingBoard implements HalPort {
  readonly calls: string[] = [];
  private readonly outputs = new Set<number>();
  private nowUsValue = 0;

  i2cTransfer(address: number, write: Uint8Array, read: Uint8Array): HalStatus {
    this.calls.push(`i2c ${address} w${write.length} r${read.length}`);
    return NACK_ADDRESS;
  }
  gpioMode(pin: number, mode: number): HalStatus {
    this.calls.push(`gpio-mode ${pin} ${mode}`);
    if (pin >= BOARD_PINS) return UNSUPPORTED;
    if (mode === 1) this.outputs.add(pin);
    else this.outputs.delete(pin);
    return OK;
  }
  gpioWrite(pin: number, level: number): HalStatus {
    this.calls.push(`gpio-write ${pin} ${level}`);
    if (pin >= BOARD_PINS) return UNSUPPORTED;
    return this.outputs.has(pin) ? OK : BAD_ARGUMENT;
  }
  gpioRead(pin: number): GpioReadResult {
    this.calls.push(`gpio-read ${pin}`);
    return pin >= BOARD_PINS ? { status: UNSUPPORTED, level: 0 } : { status: OK, level: 1 };
  }
  pwmSet(channel: number, dutyU16: number): HalStatus {
    this.calls.push(`pwm ${channel} ${dutyU16}`);
    return channel === 0 ? OK : UNSUPPORTED;
  }
  nowUs(): number {
    return this.nowUsValue;
  }
  delayUs(us: number): HalStatus {
    this.calls.push(`delay ${us}`);
    this.nowUsValue += us;
    return OK;
  }
  log(level: number, text: string): void {
    this.calls.push(`log ${level} ${text.length}`);
  }
}

type HalFunction = (...args: number[]) => number;

/** The `hal` imports of one instance with one page of memory, outside `init`, on a fresh NotingBoard. */
function halOnBoard(): { hal: Record<string, HalFunction>; board: NotingBoard } {
  const board = new NotingBoard();
  const memory = new AppMemory(new WebAssembly.Memory({ initial: 1 }));
  const imports = createHalImports({
    port: board,
    memory: () => memory,
    metrics: new MetricTable(),
    isInitialising: () => false,
    seed: 1,
  });
  return { hal: imports.hal as Record<string, HalFunction>, board };
}

describe('HAL imports check every argument before the board sees the call (docs/hal-abi.md §3, §4)', () => {
  it.each<[string, number[], string]>([
    ['i2c_write', [0x07, 0, 1], 'an address below 0x08'],
    ['i2c_write', [0x78, 0, 1], 'an address above 0x77'],
    ['i2c_write', [0x48, 0, 0], 'no bytes'],
    ['i2c_write', [0x48, 0, 256], '256 bytes'],
    ['i2c_write', [0x48, MEMORY_BYTES - 1, 2], 'bytes past the end of memory'],
    ['i2c_write', [0x48, -16, 2], 'a pointer past 2 GiB (read unsigned)'],
    ['i2c_read', [0x48, 0, 0], 'no bytes'],
    ['i2c_read', [0x48, MEMORY_BYTES - 1, 2], 'bytes past the end of memory'],
    ['i2c_write_read', [0x03, 0, 1, 0, 1], 'a reserved address'],
    ['i2c_write_read', [0x48, 0, 0, 0, 1], 'no write bytes'],
    ['i2c_write_read', [0x48, 0, 1, 0, 256], '256 read bytes'],
    ['i2c_write_read', [0x48, MEMORY_BYTES - 1, 2, 0, 1], 'write bytes past the end of memory'],
    ['i2c_write_read', [0x48, 0, 1, MEMORY_BYTES - 1, 2], 'read bytes past the end of memory'],
    ['gpio_mode', [-1, 1], 'a negative pin'],
    ['gpio_mode', [0, 4], 'mode 4'],
    ['gpio_mode', [0, -1], 'mode -1'],
    ['gpio_write', [-1, 1], 'a negative pin'],
    ['gpio_write', [0, 2], 'level 2'],
    ['gpio_write', [0, -1], 'level -1'],
    ['gpio_read', [-1, 0], 'a negative pin'],
    ['gpio_read', [0, MEMORY_BYTES], 'a level pointer past the end of memory'],
    ['pwm_set', [-1, 0], 'a negative channel'],
    ['pwm_set', [0, 65_536], 'duty 65536'],
    ['pwm_set', [0, -1], 'duty -1'],
    ['delay_us', [-1], '-1 µs'],
    ['delay_us', [1_000_001], 'over 1 s'],
    ['log', [-1, 0, 1], 'level -1'],
    ['log', [4, 0, 1], 'level 4'],
    ['log', [2, 0, 201], '201 bytes'],
    ['log', [2, MEMORY_BYTES - 1, 2], 'text past the end of memory'],
  ])('%s(%j), %s: BAD_ARGUMENT, and the board never hears of it', (name, args) => {
    const { hal, board } = halOnBoard();
    expect(hal[name]!(...args)).toBe(BAD_ARGUMENT);
    expect(board.calls).toEqual([]);
  });

  it.each<[string, number[], string, number]>([
    ['i2c_write', [0x08, 0, 1], 'i2c 8 w1 r0', NACK_ADDRESS],
    ['i2c_write', [0x77, MEMORY_BYTES - 255, 255], 'i2c 119 w255 r0', NACK_ADDRESS],
    ['i2c_read', [0x48, MEMORY_BYTES - 1, 1], 'i2c 72 w0 r1', NACK_ADDRESS],
    ['i2c_write_read', [0x48, 0, 255, 255, 255], 'i2c 72 w255 r255', NACK_ADDRESS],
    ['gpio_mode', [0, 0], 'gpio-mode 0 0', OK],
    ['gpio_mode', [0, 3], 'gpio-mode 0 3', OK],
    ['gpio_mode', [99, 1], 'gpio-mode 99 1', UNSUPPORTED],
    ['gpio_read', [0, MEMORY_BYTES - 1], 'gpio-read 0', OK],
    ['pwm_set', [0, 0], 'pwm 0 0', OK],
    ['pwm_set', [0, 65_535], 'pwm 0 65535', OK],
    ['pwm_set', [1, 65_535], 'pwm 1 65535', UNSUPPORTED],
    ['delay_us', [0], 'delay 0', OK],
    ['delay_us', [1_000_000], 'delay 1000000', OK],
    ['log', [0, 0, 0], 'log 0 0', OK],
    ['log', [3, MEMORY_BYTES - 200, 200], 'log 3 200', OK],
  ])('%s(%j) is within range: the board gets %s and its answer is returned', (name, args, call, status) => {
    const { hal, board } = halOnBoard();
    expect(hal[name]!(...args)).toBe(status);
    expect(board.calls).toEqual([call]);
  });

  it('leaves pin modes to the board: a write to a pin not held as an output, or one the board lacks, is its answer', () => {
    const { hal, board } = halOnBoard();
    expect(hal.gpio_write!(0, 1)).toBe(BAD_ARGUMENT);
    expect(hal.gpio_write!(7, 1)).toBe(UNSUPPORTED);
    expect(hal.gpio_mode!(0, 1)).toBe(OK);
    expect(hal.gpio_write!(0, 0)).toBe(OK);
    expect(hal.gpio_write!(0, 1)).toBe(OK);
    expect(board.calls).toEqual(['gpio-write 0 1', 'gpio-write 7 1', 'gpio-mode 0 1', 'gpio-write 0 0', 'gpio-write 0 1']);
  });
});

describe('HAL imports on the abi-probe app (docs/hal-abi.md §3, §4)', async () => {
  const module = await compileAppModule(await testAppBytes('abi-probe'));
  const board = new NotingBoard();
  const app = new AppInstance(module, { port: board, seed: 1 });
  app.init();
  app.tick(0);
  const reported = new Map(app.metrics.takeReported().map(({ id, value }) => [id, value]));

  it.each([
    [2, 'metric_declare during init', OK],
    [3, 'metric_declare with an upper-case name', BAD_ARGUMENT],
    [4, 'metric_declare outside init', BAD_ARGUMENT],
    [5, 'i2c_write to an address nobody answers', NACK_ADDRESS],
    [6, 'i2c_write from a pointer outside memory', BAD_ARGUMENT],
    [7, 'i2c_write to a reserved address (0x03)', BAD_ARGUMENT],
    [8, 'i2c_read of zero bytes', BAD_ARGUMENT],
    [9, 'gpio_write to a pin that is not an output', BAD_ARGUMENT],
    [10, 'gpio_mode output', OK],
    [11, 'gpio_write to an output', OK],
    [12, 'gpio_mode on a pin the board lacks', UNSUPPORTED],
    [13, 'pwm_set with duty 70000', BAD_ARGUMENT],
    [14, 'clock_us into a pointer past the end', BAD_ARGUMENT],
    [15, 'delay_us of 2 s', BAD_ARGUMENT],
    [16, 'log of 300 bytes', BAD_ARGUMENT],
    [17, 'metric_report of NaN', BAD_ARGUMENT],
    [18, 'metric_report of an undeclared id', BAD_ARGUMENT],
  ])('metric %i: %s → %i', (id, _what, status) => {
    expect(reported.get(id)).toBe(status);
  });

  it('passes the board only the calls whose arguments are in range', () => {
    // Metrics 6, 7, 8 and 13 to 16 stop at the import layer. The board sees the I2C write nobody answers (5), the
    // write to pin 0 before it is an output, which the board refuses (9), the mode and the write after it (10,
    // 11), and the mode of a pin it lacks (12).
    expect(board.calls).toEqual(['i2c 72 w2 r0', 'gpio-write 0 1', 'gpio-mode 0 1', 'gpio-write 0 1', 'gpio-mode 99 1']);
  });

  it('keeps only the declarations made in init, without the rejected one', () => {
    expect(app.metrics.descriptors.map((metric) => metric.id)).toEqual([0, ...Array.from({ length: 18 }, (_, i) => i + 2)]);
  });
});
