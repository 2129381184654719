/**
 * docs/mqtt.md §3.1: before a starting edge says `online`, it reads the retained `wasmote/<edge>/+/state` it left
 * behind, so that every device still claiming to be online can be published offline (`edge-restarted`).
 */
import type { MqttClient } from 'mqtt';
import type { DeviceStateMessage } from './messages.ts';
import { deviceLevels, deviceStatesFilter } from './topics.ts';

/** Retained messages follow the SUBACK at once; this long without one more ends the read. */
const RETAINED_QUIET_MS = 300;
/** The read never takes longer than this. */
const RETAINED_READ_MAX_MS = 3000;

/** The devices whose retained state says online, with that state. */
export async function devicesLeftOnline(client: MqttClient, edge: string): Promise<Map<string, DeviceStateMessage>> {
  const online = new Map<string, DeviceStateMessage>();
  const filter = deviceStatesFilter(edge);
  let quiet: () => void = () => {};
  let quietTimer: NodeJS.Timeout | undefined;
  let maxTimer: NodeJS.Timeout | undefined;
  const restartQuiet = (): void => {
    clearTimeout(quietTimer);
    quietTimer = setTimeout(() => quiet(), RETAINED_QUIET_MS);
  };
  const onMessage = (topic: string, payload: Buffer, packet: { retain?: boolean }): void => {
    const levels = deviceLevels(edge, topic);
    if (levels === null || levels.device === '$edge' || levels.rest.join('/') !== 'state' || !packet.retain) return;
    restartQuiet();
    try {
      const state = JSON.parse(payload.toString()) as DeviceStateMessage;
      if (state.state === 'online') online.set(levels.device, state);
      else online.delete(levels.device);
    } catch {
      // An empty (removed) or foreign payload claims nothing.
      online.delete(levels.device);
    }
  };
  client.on('message', onMessage);
  try {
    await client.subscribeAsync(filter, { qos: 1 });
    await new Promise<void>((resolve) => {
      quiet = resolve;
      restartQuiet();
      maxTimer = setTimeout(resolve, RETAINED_READ_MAX_MS);
    });
  } finally {
    clearTimeout(quietTimer);
    clearTimeout(maxTimer);
    client.removeListener('message', onMessage);
    await client.unsubscribeAsync(filter).catch(() => undefined);
  }
  return online;
}
