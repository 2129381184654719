/**
 * Runs an app as firmware on QEMU (host/firmware/) and in the pure simulator (host/sim/) the same way, so tests
 * can compare what each device says.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BUILD_DIR } from '../../../host/build/paths.ts';
import { buildFirmware, type FirmwareBuild } from '../../../host/firmware/build.ts';
import type { PeripheralHostOptions } from '../../../host/firmware/peripheral-host.ts';
import { FirmwareSession } from '../../../host/firmware/session.ts';
import type { LinkMessage } from '../../../host/link/messages.ts';
import { appImageFromBytes } from '../../../host/sim/app-image.ts';
import type { Scenario } from '../../../host/sim/scenario.ts';
import { Simulation } from '../../../host/sim/simulation.ts';

/** What a device says about itself differs between QEMU and the simulator by design; everything else must not. */
export function comparable(message: LinkMessage): LinkMessage {
  return message.type === 'hello' ? { ...message, deviceId: '', firmwareVersion: '' } : message;
}

/** Each test file builds into its own folder, so files running in parallel never share one. */
export function buildForTest(testName: string, appPath: string, board = 'netduinoplus2', seed?: number): Promise<FirmwareBuild> {
  const appName = path.basename(appPath, '.wasm');
  return buildFirmware({ board, appPath, seed, outDir: path.join(BUILD_DIR, 'test-firmware', testName, board, appName) });
}

export interface RunOptions {
  scenario: Scenario;
  seed: number;
  durationMs: number;
  /** On QEMU only: how the host answers the tunnelled calls. */
  peripherals?: PeripheralHostOptions;
}

/** The messages of a firmware run on QEMU, as the simulator would deliver them for `durationMs`. */
export async function runOnQemu(build: FirmwareBuild, options: RunOptions): Promise<LinkMessage[]> {
  const messages: LinkMessage[] = [];
  const session = new FirmwareSession({
    machine: build.board.qemuMachine!,
    elf: build.elf,
    deviceId: build.deviceId,
    scenario: options.scenario,
    seed: options.seed,
    peripherals: options.peripherals,
    onMessage: ({ message }) => messages.push(message),
  });
  await session.start();
  await session.runFor(options.durationMs);
  return messages;
}

/** The messages of one simulated device (index 0) running the same .wasm for `durationMs`. */
export async function runInSimulator(appPath: string, options: RunOptions): Promise<LinkMessage[]> {
  const app = await appImageFromBytes(await readFile(appPath), path.basename(appPath, '.wasm'));
  const messages: LinkMessage[] = [];
  const simulation = new Simulation({
    app,
    scenario: options.scenario,
    deviceCount: 1,
    seed: options.seed,
    onMessage: ({ message }) => messages.push(message),
  });
  await simulation.runFor(options.durationMs);
  return messages;
}

/** A firmware session the test drives itself; stop it in a finally. */
export async function startOnQemu(build: FirmwareBuild, scenario: Scenario, seed = 1) {
  const messages: LinkMessage[] = [];
  const session = new FirmwareSession({
    machine: build.board.qemuMachine!,
    elf: build.elf,
    deviceId: build.deviceId,
    scenario,
    seed,
    onMessage: ({ message }) => messages.push(message),
  });
  await session.start();
  return { session, messages };
}
