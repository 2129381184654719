/**
 * The topics of docs/mqtt.md §9 (scores and alarms). `<edge>` and `<device>` are link ids (§1), an alarm id a
 * decimal number: each one topic level, never a wildcard.
 */
export function scoreTopic(edgeId: string, deviceId: string): string {
  return `wasmote/${edgeId}/${deviceId}/score`;
}

export function alarmTopic(edgeId: string, alarmId: string): string {
  return `wasmote/${edgeId}/$edge/alarms/${alarmId}`;
}

/** §9.2: every alarm topic of the edge, read back at its start. */
export function alarmsFilter(edgeId: string): string {
  return `wasmote/${edgeId}/$edge/alarms/+`;
}

/** The alarm id of one of this edge's alarm topics; undefined for another topic. */
export function alarmIdOf(edgeId: string, topic: string): string | undefined {
  const prefix = `wasmote/${edgeId}/$edge/alarms/`;
  return topic.startsWith(prefix) ? topic.slice(prefix.length) : undefined;
}

/** §9.4: a device's anomaly state under one model. A model name is one topic level (its config's rule). */
export function anomalyTopic(edgeId: string, deviceId: string, model: string): string {
  return `wasmote/${edgeId}/${deviceId}/anomaly/${model}`;
}

/** §9.4: every anomaly state of the edge, read back at its start. */
export function anomalyFilter(edgeId: string): string {
  return `wasmote/${edgeId}/+/anomaly/+`;
}

/** The device and model of one of this edge's anomaly topics; undefined for another topic. */
export function anomalyTopicLevels(edgeId: string, topic: string): { device: string; model: string } | undefined {
  const levels = topic.split('/');
  if (levels.length !== 5 || levels[0] !== 'wasmote' || levels[1] !== edgeId || levels[3] !== 'anomaly') return undefined;
  return { device: levels[2]!, model: levels[4]! };
}

/** §9.3: where the edge takes an acknowledgement... */
export function alarmAckTopic(edgeId: string): string {
  return `wasmote/${edgeId}/$edge/cmd/alarm-ack`;
}

/** ...and where it answers (as §5.3 answers a device's command). */
export function edgeResultTopic(edgeId: string): string {
  return `wasmote/${edgeId}/$edge/result`;
}

/** What the loop publishes with: the gateway's JSON connection; `null` is an empty (retained) payload. */
export type Publish = (topic: string, payload: object | null, options: { qos: 0 | 1; retain: boolean }) => Promise<void>;
