/**
 * Device link frames recorded from the simulator for the edge bench (issue 11, "Done means"): a seeded fleet of
 * sensor nodes run in virtual time, each device's bytes kept as they would leave its UART. The frames are grouped
 * by virtual second, so a replay can write every device's second before the next one, as a fleet would. Each
 * device's birth (its first HELLO and the METRICs after it, docs/link-protocol.md §7.1) is kept apart, so a replay
 * can bring the fleet up first and time the telemetry alone.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BUILT_APPS_DIR } from '../host/build/paths.ts';
import { LinkDecoder } from '../host/link/decoder.ts';
import { appImageFromBytes } from '../host/sim/app-image.ts';
import { defaultScenario } from '../host/sim/scenario.ts';
import { Simulation } from '../host/sim/simulation.ts';

const US_PER_S = 1_000_000;

export interface Recording {
  deviceCount: number;
  /** `births[device]`: the device's HELLO and METRICs, before anything else it sent. */
  births: Uint8Array[];
  /** `rounds[second][device]`: what the device sent after its birth during that virtual second, back to back. */
  rounds: Uint8Array[][];
  /** DATA messages in the recording, as the simulator's own edge side decoded them. */
  dataMessages: number;
  /** Every message by type (hello, metric, data, heartbeat, log…). */
  messagesByType: Record<string, number>;
}

export async function recordFleet(deviceCount: number, virtualS: number, seed: number): Promise<Recording> {
  const wasm = await readFile(path.join(BUILT_APPS_DIR, 'sensor-node.release.wasm'));
  const app = await appImageFromBytes(wasm, 'sensor-node.release');
  const pending: Uint8Array[][][] = Array.from({ length: virtualS }, () => Array.from({ length: deviceCount }, () => []));
  const births: Uint8Array[][] = Array.from({ length: deviceCount }, () => []);
  const decoders = Array.from({ length: deviceCount }, () => new LinkDecoder());
  const born: boolean[] = new Array<boolean>(deviceCount).fill(false);
  const messagesByType: Record<string, number> = {};
  const simulation: Simulation = new Simulation({
    app,
    scenario: defaultScenario(),
    deviceCount,
    seed,
    idPrefix: 'bench',
    onFrame: (index, frame) => {
      if (!born[index]) {
        const types = decoders[index]!.push(frame).map(({ message }) => message.type);
        if (types.every((type) => type === 'hello' || type === 'metric')) {
          births[index]!.push(frame.slice());
          return;
        }
        born[index] = true;
      }
      const second = Math.min(virtualS - 1, Math.floor(simulation.nowUs / US_PER_S));
      pending[second]![index]!.push(frame.slice());
    },
    onMessage: ({ message }) => {
      messagesByType[message.type] = (messagesByType[message.type] ?? 0) + 1;
    },
  });
  await simulation.runFor(virtualS * 1000);
  const rounds = pending.map((devices) => devices.map((frames) => Buffer.concat(frames)));
  return { deviceCount, births: births.map((frames) => Buffer.concat(frames)), rounds, dataMessages: messagesByType.data ?? 0, messagesByType };
}
