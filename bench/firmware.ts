/**
 * Firmware figures (issue: firmware, "Done means"): each driver workload as Wasm translated by wasm2c against the
 * same algorithm in plain C, both in one image on QEMU's Cortex-M4 with -icount (firmware/bench/), and the
 * footprint of the netduinoplus2 image with sensor-node. The conversion workloads share one image; the whole
 * sensor-node tick has its own, whose app is sensor-node's release build itself. With -icount shift 0 a
 * nanosecond of device time is one instruction, so the figures are instruction counts and repeat exactly.
 */
import path from 'node:path';
import { compileApp } from '../host/build/compile-app.ts';
import { BUILD_DIR, PROJECT_ROOT } from '../host/build/paths.ts';
import { buildFirmware, type FirmwareBuild } from '../host/firmware/build.ts';
import { FirmwareSession } from '../host/firmware/session.ts';
import { LogLevel } from '../host/link/messages.ts';
import { defaultScenario } from '../host/sim/scenario.ts';

const BOARD = 'netduinoplus2';
const BENCH_DIR = path.join(BUILD_DIR, 'bench-firmware');
/** 2^0 ns per instruction. */
const ICOUNT_SHIFT = 0;
const NS_PER_US = 1000;
/** The goals. */
const RATIO_GOAL = 1.25;
const FLASH_GOAL_BYTES = 32 * 1024;
const RAM_GOAL_BYTES = 16 * 1024;
/** The ids of firmware/bench/workloads.h and firmware/bench/tick/main.c, restated, and the names of their figures. */
const WORKLOADS: Record<number, string> = {
  0x80: 'sht31Crc',
  0x81: 'bme280Compensation',
  0x82: 'firFilter',
  0x83: 'sensorNodeTick',
};
/** What sensor-node's init, and the C node's, log when every canned chip answered (firmware/bench/responder/). */
const FOUND_ALL_SENSORS = 'sensor-node: found tmp102 sht31 bme280 mpu6050';
const SILENCE_LIMIT_MS = 120_000;

export async function benchFirmware(): Promise<Record<string, number>> {
  const sensorNode = await buildFirmware({
    board: BOARD,
    appPath: path.join(BUILD_DIR, 'apps', 'sensor-node.release.wasm'),
    outDir: path.join(BENCH_DIR, 'sensor-node'),
  });
  const workloadsApp = await compileApp(path.join(PROJECT_ROOT, 'firmware', 'bench', 'workloads.ts'), 'release', BENCH_DIR);
  const workloads = await buildFirmware({
    board: BOARD,
    appPath: workloadsApp.wasmPath,
    program: 'bench',
    outDir: path.join(BENCH_DIR, 'workloads'),
  });
  const tick = await buildFirmware({
    board: BOARD,
    appPath: path.join(BUILD_DIR, 'apps', 'sensor-node.release.wasm'),
    program: 'bench/tick',
    outDir: path.join(BENCH_DIR, 'sensor-node-tick'),
  });
  const lines = [...(await runBench(workloads)), ...(await runBench(tick))];

  const figures: Record<string, number> = { icountShift: ICOUNT_SHIFT, ratioGoal: RATIO_GOAL };
  for (const line of lines.filter((text) => /^bench \d/.test(text))) {
    const [, opcode, iterations, wasmUs, cUs, wasmChecksum, cChecksum] = line.split(' ').map(Number);
    const name = WORKLOADS[opcode!];
    if (name === undefined || wasmChecksum !== cChecksum) {
      throw new Error(`firmware bench: the Wasm and C results of '${line}' differ`);
    }
    const wasmInstructions = (wasmUs! * NS_PER_US) / iterations!;
    const cInstructions = (cUs! * NS_PER_US) / iterations!;
    figures[`${name}WasmInstructions`] = Math.round(wasmInstructions);
    figures[`${name}CInstructions`] = Math.round(cInstructions);
    figures[`${name}Ratio`] = Math.round((wasmInstructions / cInstructions) * 1000) / 1000;
  }
  figures.netduinoplus2FlashBytes = sensorNode.size.flashBytes;
  figures.netduinoplus2RamBytes = sensorNode.size.ramBytes;
  figures.flashGoalBytes = FLASH_GOAL_BYTES;
  figures.ramGoalBytes = RAM_GOAL_BYTES;
  figures.appLinearMemoryBytes = sensorNode.size.linearMemoryBytes;
  figures.stackBytes = sensorNode.size.stackBytes;
  return figures;
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
