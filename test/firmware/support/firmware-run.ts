/**
 * Runs an app as firmware on QEMU (host/firmware/) and in the pure simulator (host/sim/) the same way, so tests
 * can compare what each device says.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BUILD_DIR } from '../../../host/build/paths.ts';
import { buildFirmware, type FirmwareBuild } from '../../../host/firmware/build.ts';
import { DEFAULT_ENGINE, type Engine } from '../../../host/firmware/engines.ts';
import type { PeripheralHostOptions } from '../../../host/firmware/peripheral-host.ts';
import { FirmwareSession } from '../../../host/firmware/session.ts';
import type { LinkMessage } from '../../../host/link/messages.ts';
import { appImageFromBytes } from '../../../host/sim/app-image.ts';
import type { Scenario } from '../../../host/sim/scenario.ts';
import { Simulation } from '../../../host/sim/simulation.ts';

/**
 * What a device says about itself differs between QEMU and the simulator by design (device_id, firmware_version,
 * board, capabilities), and so do the sessions they draw; everything else must not. Each session becomes its
 * ordinal in the trace, so two traces compare equal only if their sessions change at the same messages.
 */
export function comparableTrace(messages: LinkMessage[]): LinkMessage[] {
  const sessions = new Map<number, number>();
  const ordinal = (session: number) => {
    if (!sessions.has(session)) sessions.set(session, sessions.size);
    return sessions.get(session)!;
  };
  return messages.map((message) => {
    if (message.type === 'hello') {
      return { ...message, deviceId: '', firmwareVersion: '', board: '', capabilities: 0, session: ordinal(message.session) };
    }
    if (message.type === 'heartbeat') return { ...message, session: ordinal(message.session) };
    return message;
  });
}

/**
 * A command the test sends at `atMs` of host time, with an id of its choosing (a repeat reuses one). Commands of
 * the same time arrive together, in order.
 */
export interface TimedCommand {
  atMs: number;
  commandId: number;
  payload: Uint8Array;
}

/** Each test file builds into its own folder, so files running in parallel never share one; each engine too. */
export function buildForTest(
  testName: string,
  appPath: string,
  board = 'netduinoplus2',
  seed?: number,
  engine: Engine = DEFAULT_ENGINE,
): Promise<FirmwareBuild> {
  const appName = path.basename(appPath, '.wasm');
  const folder = engine === DEFAULT_ENGINE ? appName : `${appName}.${engine}`;
  return buildFirmware({ board, appPath, seed, engine, outDir: path.join(BUILD_DIR, 'test-firmware', testName, board, folder) });
}

export interface RunOptions {
  scenario: Scenario;
  seed: number;
  durationMs: number;
  /** Sent on the way, in order of time. */
  commands?: TimedCommand[];
  /** On QEMU only: how the host answers the tunnelled calls. */
  peripherals?: PeripheralHostOptions;
}

/**
 * The messages of a firmware run on QEMU, as the simulator would deliver them for `durationMs`. A HEARTBEAT's
 * rx_frames leaves out the PROXY_RESPONSEs the host wrote to that boot: in firmware in the loop the device's
 * receiver also accepts those, which a simulated device never gets.
 */
export async function runOnQemu(build: FirmwareBuild, options: RunOptions): Promise<LinkMessage[]> {
  const messages: LinkMessage[] = [];
  const session: FirmwareSession = new FirmwareSession({
    machine: build.board.qemuMachine!,
    elf: build.elf,
    deviceId: build.deviceId,
    scenario: options.scenario,
    seed: options.seed,
    peripherals: options.peripherals,
    onMessage: ({ message }) => {
      if (message.type !== 'heartbeat') messages.push(message);
      else messages.push({ ...message, rxFrames: message.rxFrames - session.proxyResponsesTo(message.session & 0xffff) });
    },
  });
  for (const { atMs, commandId, payload } of options.commands ?? []) session.scheduleCommand(atMs, commandId, payload);
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
  let nowMs = 0;
  for (const { atMs, commandId, payload } of options.commands ?? []) {
    // Commands of one time arrive together, as one burst on the line.
    if (atMs > nowMs) await simulation.runFor(atMs - nowMs);
    nowMs = Math.max(nowMs, atMs);
    simulation.sendCommandWithId(0, commandId, payload);
  }
  await simulation.runFor(options.durationMs - nowMs);
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
