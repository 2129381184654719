/**
 * docs/mqtt.md §3.1: before a starting edge says `online`, it reads the retained `wasmote/<edge>/+/state` it left
 * behind, so that every device still claiming to be online can be published offline (`edge-restarted`). The
 * closed loop reads its retained alarms and anomaly states the same way (§9.2, §9.4).
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
  for (const [topic, payload] of await readRetained(client, deviceStatesFilter(edge))) {
    const levels = deviceLevels(edge, topic);
    if (levels === null || levels.device === '$edge' || levels.rest.join('/') !== 'state') continue;
    try {
      const state = JSON.parse(payload.toString()) as DeviceStateMessage;
      if (state.state === 'online') online.set(levels.device, state);
    } catch {
      // A foreign payload claims nothing.
    }
  }
  return online;
}

/** MQTT 5 §4.7: `+` matches one level, a trailing `#` the rest. */
function topicMatches(filter: string, topic: string): boolean {
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  for (let index = 0; index < filterLevels.length; index++) {
    const level = filterLevels[index];
    if (level === '#') return true;
    if (index >= topicLevels.length || (level !== '+' && level !== topicLevels[index])) return false;
  }
  return filterLevels.length === topicLevels.length;
}

/**
 * The retained messages the broker holds under `filter` (MQTT 5 §3.3.1.3: sent after the SUBACK), by topic; an
 * empty retained payload is no retained message, so none is listed.
 */
export async function readRetained(client: MqttClient, filter: string): Promise<Map<string, Buffer>> {
  const retained = new Map<string, Buffer>();
  let quiet: () => void = () => {};
  let quietTimer: NodeJS.Timeout | undefined;
  let maxTimer: NodeJS.Timeout | undefined;
  const restartQuiet = (): void => {
    clearTimeout(quietTimer);
    quietTimer = setTimeout(() => quiet(), RETAINED_QUIET_MS);
  };
  const onMessage = (topic: string, payload: Buffer, packet: { retain?: boolean }): void => {
    if (!packet.retain || !topicMatches(filter, topic)) return;
    restartQuiet();
    if (payload.length === 0) retained.delete(topic);
    else retained.set(topic, payload);
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
  return retained;
}
