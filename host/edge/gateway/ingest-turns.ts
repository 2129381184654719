/**
 * docs/edge.md: data, logs and events are on disk before they are published, and every message keeps its order.
 * What one turn of the event loop emits is encoded once (for the outbox and the broker alike), stored with one
 * append, and published when that append resolves; the link flow (link-flow.ts) hears of each step.
 */
import type { CloudTier } from '../cloud-tier.ts';
import type { IngestRecord } from '../record.ts';
import { dataPayloadBytes } from './data-json.ts';
import type { LinkFlow } from './link-flow.ts';
import { BoundedMemo, DEVICES_REMEMBERED, KINDS_REMEMBERED } from './bounded-memo.ts';
import type { DeviceMessage, DeviceMessageKind } from './messages.ts';

export interface IngestTurnsOptions {
  edgeId: string;
  cloud: CloudTier;
  flow: LinkFlow;
  wallNowMs(): number;
  /** Publishes a message, with its payload's JSON when it was encoded here. */
  deliver(message: DeviceMessage, encoded?: Buffer): void;
  log(line: string): void;
}

interface Turn {
  messages: DeviceMessage[];
  encoded: (Buffer | undefined)[];
  records: IngestRecord[];
  immediate: NodeJS.Immediate;
}

export class IngestTurns {
  private turn: Turn | null = null;
  /**
   * docs/mqtt.md §1: a device's cloud id `<edge>/<device>` and its subjects `<edge>/<device>/<kind>`, made once:
   * kept strings are hashed once (the NATS sink looks up each subject's bytes), where new ones are at every lookup.
   */
  private readonly names = new BoundedMemo(DEVICES_REMEMBERED, (device: string) => {
    const cloudId = cloudDeviceId(this.options.edgeId, device);
    return { cloudId, subjects: new BoundedMemo(KINDS_REMEMBERED, (kind: DeviceMessageKind) => `${cloudId}/${kind}`) };
  });
  /** Resolves once everything stored so far has been published. */
  private published: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: IngestTurnsOptions) {}

  add(message: DeviceMessage): void {
    const turn = (this.turn ??= { messages: [], encoded: [], records: [], immediate: setImmediate(() => this.store()) });
    const stored = (message.kind === 'data' || message.kind === 'log' || message.kind === 'event') && message.payload !== null;
    const encoded = !stored ? undefined : message.kind === 'data' ? dataPayloadBytes(message.payload) : Buffer.from(JSON.stringify(message.payload));
    turn.messages.push(message);
    turn.encoded.push(encoded);
    if (encoded !== undefined) {
      const { session, seq } = message.payload as { session: number; seq: number };
      const { cloudId, subjects } = this.names.get(message.device);
      turn.records.push({
        key: { deviceId: cloudId, session, seq },
        subject: subjects.get(message.kind),
        payload: encoded,
        receivedAtMs: this.options.wallNowMs(),
      });
    }
    this.options.flow.emitted(1);
  }

  /** Stores the turn in progress now, and resolves once everything added so far has been published. */
  settled(): Promise<unknown> {
    this.store();
    return this.published;
  }

  private store(): void {
    const turn = this.turn;
    if (turn === null) return;
    clearImmediate(turn.immediate);
    this.turn = null;
    const { cloud, flow, deliver, log } = this.options;
    const stored = cloud.append(turn.records).catch((error: Error) => log(`cloud tier: ${error.message}`));
    this.published = Promise.all([this.published, stored]).then(() => {
      turn.messages.forEach((message, index) => {
        // One message's failure (a listener that throws) must not hold back the rest, nor every later turn.
        try {
          deliver(message, turn.encoded[index]);
        } catch (error) {
          log(`publishing ${message.kind} of ${message.device}: ${(error as Error).message}`);
        }
      });
      flow.published(turn.messages.length);
    });
  }
}

/** The cloud tier's device id: the device under its edge (docs/edge.md, "The record key"). */
export function cloudDeviceId(edgeId: string, device: string): string {
  return `${edgeId}/${device}`;
}
