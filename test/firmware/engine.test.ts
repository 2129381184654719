/**
 * The engine (firmware/engine/, wasm2c) and the HAL imports (firmware/hal/) built for the host and run on the
 * apps the simulator is tested with: traps are reported with the link's codes, re-instantiation starts from
 * fresh memory, memory past the limit traps, and the HAL answers every argument check as host/abi/ does.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppInstance, AppLoadError, compileAppModule } from '../../host/abi/app-instance.ts';
import { checkFirmwareApp } from '../../host/firmware/app-check.ts';
import { LinkDecoder } from '../../host/link/decoder.ts';
import type { LinkMessage } from '../../host/link/messages.ts';
import { RecordingPort } from '../support/recording-port.ts';
import { engineHarness } from './support/engine-harness.ts';
import { firmwareFixture, sharedFixture } from './support/fixtures.ts';

// docs/link-protocol.md §4.4 trap codes and hal-abi.md §3 statuses, restated.
const TRAP = { abort: 1, unreachable: 2, outOfBounds: 3, stackExhausted: 4, integerFault: 5 };
const OK = 0;
const ABI_1_0 = 0x0001_0000;

const text = (hex: string) => Buffer.from(hex.slice(1), 'hex').toString('utf8');

/** The harness's output split into answers, board calls and the link messages it sent. */
function parse(lines: string[]) {
  const decoder = new LinkDecoder();
  const messages: LinkMessage[] = [];
  const answers: string[] = [];
  const board: string[] = [];
  for (const line of lines) {
    if (line.startsWith('frame ')) {
      messages.push(...decoder.push(Buffer.from(line.slice(6), 'hex')).map((frame) => frame.message));
    } else if (line.startsWith('board ')) {
      board.push(line.slice(6));
    } else {
      answers.push(line);
    }
  }
  expect(decoder.stats.framesOk).toBe(messages.length);
  return { answers, board, messages };
}

function trapOf(answer: string) {
  const [word, code, message, file, line, column] = answer.split(' ');
  expect(word).toBe('trap');
  return { code: Number(code), message: text(message!), file: text(file!), line: Number(line), column: Number(column) };
}

describe('the wasm2c engine on trap-app', () => {
  let run: Awaited<ReturnType<typeof engineHarness>>;
  beforeAll(async () => {
    run = await engineHarness(sharedFixture('trap-app'));
  });

  it('runs init and ticks and sends each tick\'s values as DATA stamped with its start', async () => {
    const { answers, messages } = parse(await run(['instantiate', 'init', 'tick 0', 'tick 1000']));
    expect(answers).toEqual([`ok ${ABI_1_0}`, 'ok', 'ok 1000', 'ok 1000']);
    expect(messages).toEqual([
      { type: 'data', timeMs: 0, values: [{ id: 1, value: 1 }] },
      { type: 'data', timeMs: 1000, values: [{ id: 1, value: 2 }] },
    ]);
  });

  it.each([
    ['81', { code: TRAP.abort, message: 'sensor table corrupt', file: 'trap-app.ts', line: 42, column: 7 }],
    ['82', { code: TRAP.unreachable, message: 'unreachable', file: '', line: 0, column: 0 }],
    ['83', { code: TRAP.outOfBounds, message: 'memory access out of bounds', file: '', line: 0, column: 0 }],
    ['84', { code: TRAP.integerFault, message: 'divide by zero', file: '', line: 0, column: 0 }],
    ['85', { code: TRAP.stackExhausted, message: 'call stack exhausted', file: '', line: 0, column: 0 }],
  ])('reports command 0x%s\'s trap with the link\'s code', async (opcode, expected) => {
    const { answers } = parse(await run(['instantiate', 'init', `command ${opcode}`, 'tick 1000']));
    expect(answers.slice(0, 3)).toEqual([`ok ${ABI_1_0}`, 'ok', `ok ${OK}`]);
    expect(trapOf(answers[3]!)).toEqual(expected);
  });

  it('starts a new instance from fresh memory after a trap', async () => {
    const { answers, messages } = parse(
      await run(['instantiate', 'init', 'tick 0', 'tick 1000', 'command 82', 'tick 1500', 'instantiate', 'init', 'tick 2500']),
    );
    expect(trapOf(answers[5]!).code).toBe(TRAP.unreachable);
    expect(messages.map((message) => message.type === 'data' && message.values[0]!.value)).toEqual([1, 2, 3, 1]);
  });
});

describe('the memory limit', () => {
  const LIMIT = 4096;
  let run: Awaited<ReturnType<typeof engineHarness>>;
  beforeAll(async () => {
    run = await engineHarness(await firmwareFixture('memory-probe'), { memoryLimitBytes: LIMIT });
  });

  const poke = (address: number) => {
    const bytes = Buffer.alloc(5);
    bytes[0] = 0x90;
    bytes.writeUInt32LE(address, 1);
    return `command ${bytes.toString('hex')}`;
  };

  it('lets the app use every byte below it', async () => {
    const { answers, messages } = parse(await run(['instantiate', 'init', poke(LIMIT - 1)]));
    expect(answers[2]).toBe(`ok ${OK}`);
    expect(messages).toEqual([]);
  });

  it('traps on the first byte past it, though the app declares a whole 64 KiB page', async () => {
    const { answers } = parse(await run(['instantiate', 'init', poke(LIMIT), poke(65_535)]));
    expect(trapOf(answers[2]!).code).toBe(TRAP.outOfBounds);
    expect(trapOf(answers[3]!).code).toBe(TRAP.outOfBounds);
  });

  // memory-probe.ts's ACCESS command and offsets, restated.
  const ACCESS = 0x91;
  const OFFSETS = [0, 16, 65_536];
  const WIDTHS = [1, 2, 4, 8];
  const access = (address: number, width: number, offsetIndex: number) => {
    const bytes = Buffer.alloc(7);
    bytes[0] = ACCESS;
    bytes.writeUInt32LE(address, 1);
    bytes[5] = width;
    bytes[6] = offsetIndex;
    return `command ${bytes.toString('hex')}`;
  };

  it('traps exactly where operand + offset + width passes it, for every width and offset (Wasm §4.4.7)', async () => {
    const cases = WIDTHS.flatMap((width) =>
      OFFSETS.flatMap((offset, offsetIndex) =>
        // The last byte inside, the first byte past, address 0, and an operand whose sum with the offset wraps
        // a 32-bit number: the effective address is 33 bits wide, so that one is past the limit too.
        [LIMIT - width - offset, LIMIT - width - offset + 1, 0, 0xffff_fff8]
          .filter((address) => address >= 0)
          .map((address) => ({ width, offset, offsetIndex, address, inside: address + offset + width <= LIMIT })),
      ),
    );
    const { answers } = parse(
      await run(cases.flatMap(({ address, width, offsetIndex }) => ['instantiate', 'init', access(address, width, offsetIndex)])),
    );
    const outcomes = cases.map((_, i) => (answers[3 * i + 2]!.startsWith('trap') ? trapOf(answers[3 * i + 2]!).code : answers[3 * i + 2]));
    expect(outcomes).toEqual(cases.map(({ inside }) => (inside ? `ok ${OK}` : TRAP.outOfBounds)));
    expect(cases.filter(({ inside }) => inside).length).toBeGreaterThan(0);
  });

  it('refuses at build time an app whose static data ends past it', async () => {
    const wasm = await readFile(sharedFixture('trap-app'));
    await expect(checkFirmwareApp(wasm, 64)).rejects.toThrow(AppLoadError);
    await expect(checkFirmwareApp(wasm, 64)).rejects.toThrow(/static data ends at byte \d+, past the memory limit of 64 bytes/);
  });
});

describe('the HAL imports against host/abi on abi-probe', () => {
  it('return the same status for every call and pass the same calls to the board', async () => {
    const wasmPath = sharedFixture('abi-probe');
    const port = new RecordingPort();
    const simulated = new AppInstance(await compileAppModule(await readFile(wasmPath)), { port, seed: 1 });
    simulated.init();
    simulated.tick(0);
    const expected = simulated.metrics.takeReported();

    const run = await engineHarness(wasmPath);
    const { answers, board, messages } = parse(await run(['instantiate', 'init', 'tick 0']));
    expect(answers).toEqual([`ok ${ABI_1_0}`, 'ok', 'ok 1000']);
    expect(messages).toEqual([{ type: 'data', timeMs: 0, values: expected }]);
    expect(board).toEqual(port.calls);
  });
});

describe('the HAL ABI 1.1 imports against host/abi on abi11-probe', () => {
  const bits = (value: number) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, value, true);
    return view.getBigUint64(0, true).toString(16).padStart(16, '0');
  };
  const hex = (bytes: Iterable<number>) => `x${Buffer.from([...bytes]).toString('hex')}`;

  /** The `state` answer the harness gives for what host/abi's AppInstance holds. */
  function stateOf(app: AppInstance): string[] {
    const metrics = app.metrics.descriptors.map(({ id, name, unit, kind, range }) => {
      const [min, max] = range === undefined ? [0, 0] : [range.min, range.max];
      return `metric ${id} ${kind} ${range === undefined ? 0 : 1} ${bits(min)} ${bits(max)} ${name} ${hex(Buffer.from(unit))}`;
    });
    const { opcodes } = app.metrics;
    const { reportIntervalMs, ledMode, ledPeriodMs } = app.outputs;
    return [...metrics, `opcodes ${opcodes.length} ${hex(opcodes)}`, `outputs ${reportIntervalMs} ${ledMode} ${ledPeriodMs}`, 'ok'];
  }

  it('answer every call in every phase as host/abi does, and leave the runner the same metrics, opcodes and outputs', async () => {
    const wasmPath = sharedFixture('abi11-probe');
    const simulated = new AppInstance(await compileAppModule(await readFile(wasmPath)), { port: new RecordingPort(), seed: 1 });
    simulated.init();
    const stateAfterInit = stateOf(simulated);
    simulated.tick(0);
    const reported = simulated.metrics.takeReported();
    const stateAfterTick = stateOf(simulated);
    const commands = ['90', '91', '92', '9388130000', '9300000000', '94'];
    const statuses = commands.map((payload) => simulated.command(Buffer.from(payload, 'hex')));
    expect(simulated.metrics.takeReported()).toEqual([]);

    const run = await engineHarness(wasmPath);
    const { answers, messages } = parse(
      await run(['instantiate', 'init', 'state', 'tick 0', 'state', ...commands.map((payload) => `command ${payload}`), 'state']),
    );
    const ABI_1_1 = 0x0001_0001;
    const stateLength = stateAfterInit.length;
    expect(answers.slice(0, 2)).toEqual([`ok ${ABI_1_1}`, 'ok']);
    expect(answers.slice(2, 2 + stateLength)).toEqual(stateAfterInit);
    expect(answers[2 + stateLength]).toBe('ok 1000');
    expect(answers.slice(3 + stateLength, 3 + 2 * stateLength)).toEqual(stateAfterTick);
    const commandAnswers = answers.slice(3 + 2 * stateLength, 3 + 2 * stateLength + commands.length);
    expect(commandAnswers).toEqual(statuses.map((status) => `ok ${status}`));
    expect(answers.slice(3 + 2 * stateLength + commands.length)).toEqual(stateOf(simulated));
    // docs/link-protocol.md §4.3: 24 values to a DATA message, the rest in the next.
    expect(reported.length).toBeGreaterThan(24);
    expect(messages.filter((message) => message.type === 'data')).toEqual([
      { type: 'data', timeMs: 0, values: reported.slice(0, 24) },
      { type: 'data', timeMs: 0, values: reported.slice(24) },
    ]);
  });
});
