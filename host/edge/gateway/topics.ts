/** docs/mqtt.md §2: the topic tree, with each topic's QoS and retain flag. */
import type { DeviceMessageKind } from './messages.ts';

export type QoS = 0 | 1;

export interface TopicOptions {
  qos: QoS;
  retain: boolean;
}

/** §2's table; `data` is QoS 0 unless `--data-qos 1`, and `window` (§8) goes as `data` does. */
export function publishOptions(kind: DeviceMessageKind | 'window', dataQos: QoS): TopicOptions {
  switch (kind) {
    case 'birth':
    case 'state':
      return { qos: 1, retain: true };
    case 'status':
    case 'latest':
      return { qos: 0, retain: true };
    case 'data':
    case 'window':
      return { qos: dataQos, retain: false };
    case 'log':
    case 'event':
      return { qos: 1, retain: false };
  }
}

/** §2: answers and the edge's own state go at QoS 1; results are not retained, the state is. */
export const RESULT_OPTIONS: TopicOptions = { qos: 1, retain: false };
export const EDGE_STATE_OPTIONS: TopicOptions = { qos: 1, retain: true };

export function deviceTopic(edge: string, device: string, kind: DeviceMessageKind | 'window' | 'result'): string {
  return `wasmote/${edge}/${device}/${kind}`;
}

/** §3.1: `$edge` is no link id, so it never names a device. */
export function edgeStateTopic(edge: string): string {
  return `wasmote/${edge}/$edge/state`;
}

/** §3.1: what a restarted edge reads back. */
export function deviceStatesFilter(edge: string): string {
  return `wasmote/${edge}/+/state`;
}

/** §5: the commands for every device of this edge. */
export function commandFilter(edge: string): string {
  return `wasmote/${edge}/+/cmd/#`;
}

/** `wasmote/<edge>/<device>/<rest>` of this edge: the device and the rest's levels; null for another topic. */
export function deviceLevels(edge: string, topic: string): { device: string; rest: string[] } | null {
  const levels = topic.split('/');
  if (levels.length < 4 || levels[0] !== 'wasmote' || levels[1] !== edge) return null;
  return { device: levels[2]!, rest: levels.slice(3) };
}

/** §5.1: a response topic must be `wasmote/<edge>/<device>/result/<anything>` for the same edge and device. */
export function isResponseTopicFor(edge: string, device: string, topic: string): boolean {
  const prefix = `${deviceTopic(edge, device, 'result')}/`;
  return topic.startsWith(prefix) && topic.length > prefix.length && !/[+#]/.test(topic);
}
