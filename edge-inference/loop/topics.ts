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
