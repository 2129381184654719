/**
 * Firmware figures (issue: firmware, "Done means"; issue 14): each driver workload as Wasm, translated by wasm2c
 * and run by the interpreter, against the same algorithm in plain C, all in images on QEMU's Cortex-M4 with
 * -icount (firmware/bench/), and the footprint of the netduinoplus2 image with sensor-node under each engine.
 * The conversion workloads share one image; the whole sensor-node tick has its own, whose app is sensor-node's
 * release build itself. With -icount shift 0 a nanosecond of device time is one instruction, so the figures are
 * instruction counts and repeat exactly.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { compileApp } from '../host/build/compile-app.ts';
import { BUILD_DIR, PROJECT_ROOT } from '../host/build/paths.ts';
import { buildFirmware, type FirmwareBuild } from '../host/firmware/build.ts';
import type { Engine } from '../host/firmware/engines.ts';
import { FirmwareSession } from '../host/firmware/session.ts';
import { LogLevel } from '../host/link/messages.ts';
import { defaultScenario } from '../host/sim/scenario.ts';

const BOARD = 'netduinoplus2';
const BENCH_DIR = path.join(BUILD_DIR, 'bench-firmware');
/** 2^0 ns per instruction. */
const ICOUNT_SHIFT = 0;
const NS_PER_US = 1000;
/** netduinoplus2's STM32F405 at its 168 MHz; a load's time is its instructions at one a cycle. */
const BOARD_CLOCK_HZ = 168_000_000;
const MS_PER_S = 1000;
/** The issues' goals: wasm2c against C (firmware), the interpreter's footprint and load (issue 14). */
const RATIO_GOAL = 1.25;
const FLASH_GOAL_BYTES = 32 * 1024;
const RAM_GOAL_BYTES = 16 * 1024;
const INTERPRETER_CODE_GOAL_BYTES = 24 * 1024;
const INTERPRETER_RAM_GOAL_BYTES = 24 * 1024;
const INTERPRETER_LOAD_GOAL_MS = 50;
/** The ids of firmware/bench/workloads.h and firmware/bench/tick/main.c, restated, and the names of their figures. */
const WORKLOADS: Record<number, string> = {
  0x80: 'sht31Crc',
  0x81: 'bme280Compensation',
  0x82: 'firFilter',
  0x83: 'sensorNodeTick',
};
/**
 * Issue 14: wasm3 built -Os for this board and run by the same harness on the same .wasm, instructions per
 * iteration. The interpreter's goal is at most half of each.
 */
const WASM3_INSTRUCTIONS: Record<string, number> = {
  sht31Crc: 3289,
  bme280Compensation: 2456,
  firFilter: 10_632,
  sensorNodeTick: 39_654,
};
/** What sensor-node's init, and the C node's, log when every canned chip answered (firmware/bench/responder/). */
const FOUND_ALL_SENSORS = 'sensor-node: found tmp102 sht31 bme280 mpu6050';
const SILENCE_LIMIT_MS = 120_000;
/** A section of the link map: its name, then its address, size and object (on one line or the next). */
const MAP_SECTION = /^ (\.\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)$/gm;
const INTERPRETER_OBJECT = /\/engine_interp_(?!app_wasm)\w+\.o$/;

interface EngineFigures {
  lines: string[];
  sensorNode: FirmwareBuild;
}

async function benchEngine(engine: Engine, workloadsWasm: string): Promise<EngineFigures> {
  const sensorNodeWasm = path.join(BUILD_DIR, 'apps', 'sensor-node.release.wasm');
  const outDir = (name: string) => path.join(BENCH_DIR, engine, name);
  const sensorNode = await buildFirmware({ board: BOARD, engine, appPath: sensorNodeWasm, outDir: outDir('sensor-node') });
  const workloads = await buildFirmware({ board: BOARD, engine, appPath: workloadsWasm, program: 'bench', outDir: outDir('workloads') });
  const tick = await buildFirmware({ board: BOARD, engine, appPath: sensorNodeWasm, program: 'bench/tick', outDir: outDir('sensor-node-tick') });
  const workloadLines = await runBench(workloads);
  const tickLines = await runBench(tick);
  // The load that matters is sensor-node's: the workloads image's load line is left out.
  return { lines: [...workloadLines.filter((line) => !line.startsWith('bench load')), ...tickLines], sensorNode };
}

export async function benchFirmware(): Promise<Record<string, number>> {
  const workloadsApp = await compileApp(path.join(PROJECT_ROOT, 'firmware', 'bench', 'workloads.ts'), 'release', BENCH_DIR);
  const wasm2c = await benchEngine('wasm2c', workloadsApp.wasmPath);
  const interp = await benchEngine('interp', workloadsApp.wasmPath);

  const figures: Record<string, number> = { icountShift: ICOUNT_SHIFT, ratioGoal: RATIO_GOAL };
  const wasm2cRuns = runsOf(wasm2c.lines);
  const interpRuns = runsOf(interp.lines);
  for (const [name, run] of wasm2cRuns) {
    figures[`${name}WasmInstructions`] = Math.round(run.wasmInstructions);
    figures[`${name}CInstructions`] = Math.round(run.cInstructions);
    figures[`${name}Ratio`] = Math.round((run.wasmInstructions / run.cInstructions) * 1000) / 1000;
  }
  for (const [name, run] of interpRuns) {
    figures[`${name}InterpInstructions`] = Math.round(run.wasmInstructions);
    figures[`${name}InterpRatioToC`] = Math.round((run.wasmInstructions / run.cInstructions) * 100) / 100;
    figures[`${name}Wasm3Instructions`] = WASM3_INSTRUCTIONS[name]!;
    figures[`${name}InterpRatioToWasm3`] = Math.round((run.wasmInstructions / WASM3_INSTRUCTIONS[name]!) * 1000) / 1000;
  }
  figures.netduinoplus2FlashBytes = wasm2c.sensorNode.size.flashBytes;
  figures.netduinoplus2RamBytes = wasm2c.sensorNode.size.ramBytes;
  figures.flashGoalBytes = FLASH_GOAL_BYTES;
  figures.ramGoalBytes = RAM_GOAL_BYTES;
  figures.appLinearMemoryBytes = wasm2c.sensorNode.size.linearMemoryBytes;
  figures.stackBytes = wasm2c.sensorNode.size.stackBytes;

  figures.interpFlashBytes = interp.sensorNode.size.flashBytes;
  figures.interpRamBytes = interp.sensorNode.size.ramBytes;
  figures.interpRamGoalBytes = INTERPRETER_RAM_GOAL_BYTES;
  figures.interpreterCodeBytes = await interpreterCodeBytes(interp.sensorNode.map);
  figures.interpreterCodeGoalBytes = INTERPRETER_CODE_GOAL_BYTES;
  const loadInstructions = loadInstructionsOf(interp.lines);
  figures.interpLoadInstructions = loadInstructions;
  figures.interpLoadMs = Math.round((loadInstructions / BOARD_CLOCK_HZ) * MS_PER_S * 100) / 100;
  figures.interpLoadGoalMs = INTERPRETER_LOAD_GOAL_MS;
  return figures;
}

interface Run {
  wasmInstructions: number;
  cInstructions: number;
}

/** The `bench <id> …` lines as instructions per iteration; a run whose two sides disagree fails the bench. */
function runsOf(lines: string[]): Map<string, Run> {
  const runs = new Map<string, Run>();
  for (const line of lines.filter((text) => /^bench \d/.test(text))) {
    const [, opcode, iterations, wasmUs, cUs, wasmChecksum, cChecksum] = line.split(' ').map(Number);
    const name = WORKLOADS[opcode!];
    if (name === undefined || wasmChecksum !== cChecksum) {
      throw new Error(`firmware bench: the Wasm and C results of '${line}' differ`);
    }
    runs.set(name, { wasmInstructions: (wasmUs! * NS_PER_US) / iterations!, cInstructions: (cUs! * NS_PER_US) / iterations! });
  }
  return runs;
}

function loadInstructionsOf(lines: string[]): number {
  const line = lines.find((text) => text.startsWith('bench load '));
  if (line === undefined) throw new Error('firmware bench: the tick image reported no load time');
  return Number(line.split(' ')[2]) * NS_PER_US;
}

/** The bytes of code and constants the linker kept from the interpreter's objects (the embedded app left out). */
async function interpreterCodeBytes(mapPath: string): Promise<number> {
  const map = (await readFile(mapPath, 'utf8')).replaceAll(/^ (\.\S+)\n\s+/gm, ' $1 ');
  let bytes = 0;
  for (const [, section, address, size, object] of map.matchAll(MAP_SECTION)) {
    // Sections the linker discarded (--gc-sections) are listed at address 0.
    const kept = Number.parseInt(address!, 16) !== 0;
    if (kept && /^\.(text|rodata)/.test(section!) && INTERPRETER_OBJECT.test(object!)) bytes += Number.parseInt(size!, 16);
  }
  return bytes;
}

/**
 * Runs a benchmark image to its `bench done`; returns its LOG lines. A warning or error logged on the way, or a
 * sensor-node that did not find all four chips, means some run did less than a whole tick: no figures then.
 */
async function runBench(image: FirmwareBuild): Promise<string[]> {
  const lines: string[] = [];
  const problems: string[] = [];
  const session = new FirmwareSession({
    machine: image.board.qemuMachine!,
    elf: image.elf,
    deviceId: image.deviceId,
    icountShift: ICOUNT_SHIFT,
    scenario: defaultScenario(),
    seed: 1,
    onMessage: ({ message }) => {
      if (message.type !== 'log') return;
      lines.push(message.text);
      const partial = message.text.startsWith('sensor-node: found') && message.text !== FOUND_ALL_SENSORS;
      if (message.level <= LogLevel.Warning || partial) problems.push(message.text);
    },
  });
  await session.start();
  try {
    await session.until(() => lines.includes('bench done'), SILENCE_LIMIT_MS);
  } finally {
    await session.stop();
  }
  if (problems.length > 0) throw new Error(`firmware bench: ${path.basename(image.outDir)}: ${problems.join('; ')}`);
  return lines;
}
