import { describe, expect, it } from 'vitest';
import { AppInstance, compileAppModule } from '../../host/abi/app-instance.ts';
import { AppMemory } from '../../host/abi/app-memory.ts';
import { type AppPhase, createHalImports } from '../../host/abi/hal-imports.ts';
import type { GpioReadResult, HalPort } from '../../host/abi/hal-port.ts';
import type { HalStatus } from '../../host/abi/status.ts';
import { MetricTable } from '../../host/abi/metric-table.ts';
import { OutputStates } from '../../host/abi/output-states.ts';
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
  readonly logs: string[] = [];
  log(level: number, text: string): void {
    this.calls.push(`log ${level} ${text.length}`);
    this.logs.push(text);
  }
}

type HalFunction = (...args: number[]) => number;

interface HalOnBoard {
  hal: Record<string, HalFunction>;
  board: NotingBoard;
  metrics: MetricTable;
  outputs: OutputStates;
  bytes: Uint8Array;
  /** The phase the imports see; `idle` (outside every export) unless set. */
  phase: AppPhase;
}

/** The `hal` imports of one instance with one page of memory, in `phase`, on a fresh NotingBoard. */
function halOnBoard(phase: AppPhase = 'idle'): HalOnBoard {
  const board = new NotingBoard();
  const wasmMemory = new WebAssembly.Memory({ initial: 1 });
  const memory = new AppMemory(wasmMemory);
  const metrics = new MetricTable();
  const outputs = new OutputStates();
  const state: HalOnBoard = { hal: {}, board, metrics, outputs, bytes: new Uint8Array(wasmMemory.buffer), phase };
  const imports = createHalImports({ port: board, memory: () => memory, metrics, outputs, phase: () => state.phase, seed: 1 });
  state.hal = imports.hal as Record<string, HalFunction>;
  return state;
}

/** Declares metric `id` named "m" (at memory offset 0) in the init phase, then returns to `phase`. */
function declared(state: HalOnBoard, id: number): HalOnBoard {
  const phase = state.phase;
  state.bytes[0] = 0x6d; // "m"
  state.phase = 'init';
  expect(state.hal.metric_declare!(id, 0, 1, 0, 0)).toBe(OK);
  state.phase = phase;
  return state;
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

describe('HAL ABI 1.1 imports (docs/hal-abi.md §4.6 metric_describe, §4.7)', () => {
  it.each<[string, number[], string]>([
    ['metric_describe', [9, 0, 0, 1], 'an undeclared id'],
    ['metric_describe', [-1, 0, 0, 1], 'id -1'],
    ['metric_describe', [1, 3, 0, 1], 'kind 3'],
    ['metric_describe', [1, -1, 0, 1], 'kind -1'],
    ['metric_describe', [1, 0, 2, 1], 'min above max'],
    ['metric_describe', [1, 0, NaN, 1], 'only min NaN'],
    ['metric_describe', [1, 0, 0, NaN], 'only max NaN'],
    ['metric_describe', [1, 0, -Infinity, 1], 'min -Infinity'],
    ['metric_describe', [1, 0, 0, Infinity], 'max Infinity'],
    ['metric_describe', [1, 0, -Infinity, Infinity], 'an infinite range'],
    ['command_declare', [0x00], 'opcode 0, which §6 gives to nothing'],
    ['command_declare', [0x70], 'the first runner opcode'],
    ['command_declare', [0x72], 'REBOOT, a runner opcode'],
    ['command_declare', [0x7f], 'the last runner opcode'],
    ['command_declare', [0x100], 'opcode 256'],
    ['command_declare', [-1], 'opcode -1'],
    ['output_state', [3, 0], 'output 3'],
    ['output_state', [-1, 0], 'output -1'],
    ['output_state', [0, 0], 'a report interval of 0 ms'],
    ['output_state', [0, 3_600_001], 'a report interval over an hour'],
    ['output_state', [0, -1], 'a report interval of -1 ms'],
    ['output_state', [1, 2], 'LED mode 2 (a toggle reports where it landed)'],
    ['output_state', [1, 4], 'LED mode 4'],
    ['output_state', [1, 255], 'LED mode 255 (not set is the runner’s, not the app’s)'],
    ['output_state', [1, -1], 'LED mode -1'],
    ['output_state', [2, -1], 'a period of -1 ms'],
    ['output_state', [2, 65_536], 'a period of 65536 ms'],
  ])('%s(%j) in init, %s: BAD_ARGUMENT, and nothing changes', (name, args) => {
    const state = declared(halOnBoard('init'), 1);
    const before = JSON.stringify([state.metrics.descriptors, state.metrics.opcodes, state.outputs.snapshot()]);
    expect(state.hal[name]!(...args)).toBe(BAD_ARGUMENT);
    expect(JSON.stringify([state.metrics.descriptors, state.metrics.opcodes, state.outputs.snapshot()])).toBe(before);
    expect(state.board.calls).toEqual([]);
  });

  it.each<[number[], object]>([
    [[1, 0, -40, 125], { kind: 0, range: { min: -40, max: 125 } }],
    [[1, 1, NaN, NaN], { kind: 1 }],
    [[1, 2, 0, 1], { kind: 2, range: { min: 0, max: 1 } }],
    [[1, 0, 7.5, 7.5], { kind: 0, range: { min: 7.5, max: 7.5 } }],
    [[1, 0, -Number.MAX_VALUE, Number.MAX_VALUE], { kind: 0, range: { min: -Number.MAX_VALUE, max: Number.MAX_VALUE } }],
  ])('metric_describe(%j) in init is OK and the descriptor says %j', (args, expected) => {
    const state = declared(halOnBoard('init'), 1);
    expect(state.hal.metric_describe!(...args)).toBe(OK);
    expect(state.metrics.descriptors).toEqual([{ id: 1, name: 'm', unit: '', ...expected }]);
  });

  it('leaves a metric never described a number with no range, and lets a later description replace an earlier', () => {
    const state = declared(declared(halOnBoard('init'), 1), 2);
    expect(state.metrics.descriptors).toEqual([
      { id: 1, name: 'm', unit: '', kind: 0 },
      { id: 2, name: 'm', unit: '', kind: 0 },
    ]);
    expect(state.hal.metric_describe!(2, 0, 0, 100)).toBe(OK);
    expect(state.hal.metric_describe!(2, 2, NaN, NaN)).toBe(OK);
    expect(state.metrics.descriptors[1]).toEqual({ id: 2, name: 'm', unit: '', kind: 2 });
  });

  it('keeps the declared opcodes ascending and unique: declaring one twice is harmless', () => {
    const { hal, metrics } = halOnBoard('init');
    for (const opcode of [0xff, 0x02, 0x80, 0x01, 0x02, 0x6f]) expect(hal.command_declare!(opcode)).toBe(OK);
    expect(metrics.opcodes).toEqual([0x01, 0x02, 0x6f, 0x80, 0xff]);
  });

  it.each<[number, number, object]>([
    [0, 1, { reportIntervalMs: 1 }],
    [0, 3_600_000, { reportIntervalMs: 3_600_000 }],
    [1, 0, { ledMode: 0 }],
    [1, 1, { ledMode: 1 }],
    [1, 3, { ledMode: 3 }],
    [2, 0, { ledPeriodMs: 0 }],
    [2, 65_535, { ledPeriodMs: 65_535 }],
  ])('output_state(%i, %i) is OK and the outputs say %j', (output, value, expected) => {
    const { hal, outputs } = halOnBoard('tick');
    expect(hal.output_state!(output, value)).toBe(OK);
    expect(outputs.snapshot()).toEqual({ reportIntervalMs: 0, ledMode: 255, ledPeriodMs: 0, ...expected });
  });

  it('reports every output as not set until the app says: interval 0, LED mode 255, period 0', () => {
    expect(halOnBoard().outputs.snapshot()).toEqual({ reportIntervalMs: 0, ledMode: 255, ledPeriodMs: 0 });
  });

  describe('phases: declarations only in init, reports only in tick, output states in any', () => {
    const phases: AppPhase[] = ['idle', 'init', 'tick', 'command'];
    const cases: [string, number[], AppPhase[]][] = [
      ['metric_declare', [5, 0, 1, 0, 0], ['init']],
      ['metric_describe', [1, 0, 0, 1], ['init']],
      ['command_declare', [0x80], ['init']],
      ['metric_report', [1, 1.5], ['tick']],
      ['output_state', [0, 1000], phases],
    ];
    it.each(cases.flatMap(([name, args, allowed]) => phases.map((phase) => [name, args, phase, allowed.includes(phase)] as const)))(
      '%s(%j) in %s: allowed %s',
      (name, args, phase, allowed) => {
        const state = declared(halOnBoard(phase), 1);
        expect(state.hal[name]!(...args)).toBe(allowed ? OK : BAD_ARGUMENT);
        if (name === 'metric_report') expect(state.metrics.takeReported()).toEqual(allowed ? [{ id: 1, value: 1.5 }] : []);
      },
    );
  });
});

describe('log text (docs/hal-abi.md §4.5, docs/link-protocol.md §7.3)', () => {
  const logBytes = (bytes: number[]) => {
    const state = halOnBoard('tick');
    state.bytes.set(bytes, 100);
    expect(state.hal.log!(2, 100, bytes.length)).toBe(OK);
    return state.board.logs[0];
  };

  it('passes valid UTF-8 through, a byte order mark included', () => {
    expect(logBytes([...Buffer.from('\u{feff}25 °C ✓ 𝄞')])).toBe('\u{feff}25 °C ✓ 𝄞');
  });

  it('replaces each maximal ill-formed subpart with one U+FFFD (Unicode §3.9, Table 3-8)', () => {
    expect(logBytes([0x61, 0xf1, 0x80, 0x80, 0xe1, 0x80, 0xc2, 0x62, 0x80, 0x63, 0x80, 0xbf, 0x64])).toBe(
      'a\u{fffd}\u{fffd}\u{fffd}b\u{fffd}c\u{fffd}\u{fffd}d',
    );
  });

  it('cuts the repaired text to 255 bytes at a character boundary: 200 bad bytes make 85 replacement characters', () => {
    expect(logBytes(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 0xc0 : 0xff)))).toBe('\u{fffd}'.repeat(85));
  });

  it('does not cut 200 valid bytes', () => {
    const text = 'é'.repeat(100);
    expect(logBytes([...Buffer.from(text)])).toBe(text);
  });
});

describe('HAL ABI 1.1 imports on the abi11-probe app, phase by phase', async () => {
  const module = await compileAppModule(await testAppBytes('abi11-probe'));
  const board = new NotingBoard();
  const app = new AppInstance(module, { port: board, seed: 1 });
  const phasesSeen: string[] = [];
  const log = board.log.bind(board);
  board.log = (level, text) => {
    phasesSeen.push(`${text}:${app.phase}`);
    log(level, text);
  };
  app.init();
  const afterInit = { outputs: app.outputs, phase: app.phase };
  app.tick(0);
  const statuses = app.metrics.takeReported().map(({ id, value }) => {
    expect(id).toBe(0);
    return value;
  });

  it('answers every call init and the first tick made as the ABI says', () => {
    // abi11-probe.ts's calls, in order.
    expect(statuses).toEqual([
      ...[OK, OK, OK, OK], // metric_describe: number with a range, integer with none, boolean, min == max
      ...[BAD_ARGUMENT, BAD_ARGUMENT, BAD_ARGUMENT, BAD_ARGUMENT, BAD_ARGUMENT, BAD_ARGUMENT], // undeclared, kinds, ranges
      ...[OK, OK, OK, OK, OK, OK], // command_declare 0x90, 0x01 twice, 0x6f, 0xff, 0x80
      ...[BAD_ARGUMENT, BAD_ARGUMENT, BAD_ARGUMENT, BAD_ARGUMENT, BAD_ARGUMENT], // 0x70, 0x7f, 0x00, 0x100, -1
      BAD_ARGUMENT, // metric_report in init
      ...[OK, OK], // output_state in init: interval, LED on
      ...[BAD_ARGUMENT, BAD_ARGUMENT, BAD_ARGUMENT], // metric_describe, command_declare, metric_declare in tick
      ...[OK, OK], // output_state in tick: blinking, period
    ]);
  });

  it('keeps each metric’s kind and range, and the opcodes ascending and unique', () => {
    expect(app.metrics.descriptors).toEqual([
      { id: 0, name: 's0', unit: '', kind: 0 },
      { id: 1, name: 's1', unit: '', kind: 0, range: { min: -40, max: 125 } },
      { id: 2, name: 's2', unit: '', kind: 1 },
      { id: 3, name: 's3', unit: '', kind: 2, range: { min: 0, max: 1 } },
      { id: 4, name: 's4', unit: '', kind: 0, range: { min: 7.5, max: 7.5 } },
    ]);
    expect(app.metrics.opcodes).toEqual([0x01, 0x6f, 0x80, 0x90, 0xff]);
  });

  it('exposes the outputs as the app last set them, in init and after a tick', () => {
    expect(afterInit.outputs).toEqual({ reportIntervalMs: 1000, ledMode: 1, ledPeriodMs: 0 });
    expect(app.outputs).toEqual({ reportIntervalMs: 1000, ledMode: 3, ledPeriodMs: 250 });
  });

  it('refuses a report, a description or a declaration while a command is handled, and nothing is reported', () => {
    expect(app.command(Uint8Array.of(0x90))).toBe(BAD_ARGUMENT);
    expect(app.command(Uint8Array.of(0x91))).toBe(BAD_ARGUMENT);
    expect(app.command(Uint8Array.of(0x92))).toBe(BAD_ARGUMENT);
    expect(app.metrics.takeReported()).toEqual([]);
    expect(app.metrics.opcodes).not.toContain(0x92);
  });

  it('takes output states while a command is handled, and refuses one out of range without a change', () => {
    const interval = (ms: number) => Uint8Array.of(0x93, ms & 0xff, (ms >> 8) & 0xff, (ms >> 16) & 0xff, ms >>> 24);
    expect(app.command(interval(5000))).toBe(OK);
    expect(app.command(interval(0))).toBe(BAD_ARGUMENT);
    expect(app.command(Uint8Array.of(0x94))).toBe(OK);
    expect(app.outputs).toEqual({ reportIntervalMs: 5000, ledMode: 0, ledPeriodMs: 250 });
  });

  it('tells the runner which export runs: idle between calls', () => {
    expect(afterInit.phase).toBe('idle');
    expect(phasesSeen.slice(0, 3)).toEqual(['i:init', 't:tick', 'c:command']);
    expect(app.phase).toBe('idle');
  });
});
