import { appImageFromBytes, type AppImage } from '../../host/sim/app-image.ts';
import { parseScenario } from '../../host/sim/scenario.ts';
import { Simulation, type DeviceMessage } from '../../host/sim/simulation.ts';
import type { LinkMessage } from '../../host/link/messages.ts';
import { appBytes, testAppBytes } from './apps.ts';

export async function sensorNode(target: 'debug' | 'release' = 'release'): Promise<AppImage> {
  return appImageFromBytes(await appBytes('sensor-node', target), `sensor-node.${target}`);
}

export async function testApp(name: string): Promise<AppImage> {
  return appImageFromBytes(await testAppBytes(name), name);
}

export interface SimRun {
  simulation: Simulation;
  messages: DeviceMessage[];
  /** The data messages as `{ timeMs, values: { metricName: value } }`, per device index. */
  data(index?: number): { timeMs: number; values: Record<string, number> }[];
  of<T extends LinkMessage['type']>(type: T, index?: number): Extract<LinkMessage, { type: T }>[];
}

/** Builds a simulation with the given scenario JSON, recording every decoded message. */
export function simulate(app: AppImage, scenarioJson: unknown = {}, deviceCount = 1, seed = 1): SimRun {
  const messages: DeviceMessage[] = [];
  const simulation = new Simulation({
    app,
    scenario: parseScenario(scenarioJson),
    deviceCount,
    seed,
    idPrefix: 'sim',
    runNonce: 1,
    onMessage: (message) => messages.push(message),
  });
  const of = <T extends LinkMessage['type']>(type: T, index = 0) =>
    messages
      .filter((entry) => entry.index === index && entry.message.type === type)
      .map((entry) => entry.message as Extract<LinkMessage, { type: T }>);
  return {
    simulation,
    messages,
    of,
    data(index = 0) {
      const names = new Map<number, string>();
      const rows: { timeMs: number; values: Record<string, number> }[] = [];
      for (const { index: device, message } of messages) {
        if (device !== index) continue;
        if (message.type === 'metric') names.set(message.id, message.name);
        if (message.type === 'data') {
          rows.push({
            timeMs: message.timeMs,
            values: Object.fromEntries(message.values.map(({ id, value }) => [names.get(id) ?? `#${id}`, value])),
          });
        }
      }
      return rows;
    },
  };
}
