/**
 * What the gateway hands the cloud tier once a device message is ingested (issue 11). The tier never looks inside
 * the payload: it stores, forwards and deduplicates by the key alone.
 */

/** The largest session number: a u32 the device draws at boot (docs/link-protocol.md). */
export const MAX_SESSION = 0xffff_ffff;
/** The largest sequence number: the link's u16 `seq` (docs/link-protocol.md §5); it wraps to 0. */
export const MAX_SEQ = 0xffff;

/** Names one device message for its whole life: peers deduplicate on it (docs/edge.md, "The record key"). */
export interface RecordKey {
  readonly deviceId: string;
  /** u32, new at every device boot, so `seq` restarting at 0 after a reset is not taken for a duplicate. */
  readonly session: number;
  /** u16, the device's own sequence number for the message. */
  readonly seq: number;
}

export interface IngestRecord {
  readonly key: RecordKey;
  /** A relative topic, levels separated by '/', such as `sensor-1/data`; each sink puts its own prefix in front. */
  readonly subject: string;
  /** JSON bytes as the gateway encoded them. */
  readonly payload: Uint8Array;
  /** Wall-clock time (Unix epoch ms) at which the edge received the frame. */
  readonly receivedAtMs: number;
}

/** A record as the outbox holds it: `position` orders it, and a sink's cursor is the last position it holds. */
export interface OutboxRecord extends IngestRecord {
  readonly position: number;
}

/**
 * The key as one string, the same for every peer (JetStream `Nats-Msg-Id`, the MQTT bridge's user property):
 * `<subject>:<session>:<seq>`, session and seq in decimal. The subject names the device and the kind of message
 * (`<edge>/<device>/data`), so messages of two kinds made from one frame never share a key (docs/mqtt.md §1). Read
 * from the right, it stays unambiguous whatever the subject holds.
 */
export function idempotencyKey(record: Pick<IngestRecord, 'key' | 'subject'>): string {
  return `${record.subject}:${record.key.session}:${record.key.seq}`;
}

export class RecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordError';
  }
}

/**
 * A relative MQTT topic that can be published to (MQTT 5 §4.7): not empty, no leading '/', no wildcard ('+', '#')
 * and no NUL. A record a peer would always refuse must not enter the outbox, where it would block its sink.
 */
const SUBJECT = /^[^/+#\u0000][^+#\u0000]*$/;

/** Throws a RecordError naming the field and value when a record cannot be stored or keyed. */
export function checkRecord(record: IngestRecord): void {
  const { key } = record;
  if (typeof key.deviceId !== 'string' || key.deviceId.length === 0) {
    throw new RecordError(`key.deviceId must be a non-empty string (got ${JSON.stringify(key.deviceId)})`);
  }
  if (!Number.isInteger(key.session) || key.session < 0 || key.session > MAX_SESSION) {
    throw new RecordError(`key.session must be a u32 (got ${key.session}) for device ${key.deviceId}`);
  }
  if (!Number.isInteger(key.seq) || key.seq < 0 || key.seq > MAX_SEQ) {
    throw new RecordError(`key.seq must be a u16 (got ${key.seq}) for device ${key.deviceId}`);
  }
  if (typeof record.subject !== 'string' || !SUBJECT.test(record.subject)) {
    throw new RecordError(
      `subject must be a relative topic such as "sensor-1/data", without wildcards (got ${JSON.stringify(record.subject)})`,
    );
  }
  if (!(record.payload instanceof Uint8Array)) {
    throw new RecordError(`payload must be a Uint8Array (device ${key.deviceId}, seq ${key.seq})`);
  }
  if (!Number.isFinite(record.receivedAtMs)) {
    throw new RecordError(`receivedAtMs must be a finite number (got ${record.receivedAtMs})`);
  }
}
