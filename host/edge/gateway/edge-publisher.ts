/**
 * What the edge publishes on its JSON connection (docs/mqtt.md §2): device messages with the QoS and retain of
 * §2's table (an empty retained payload for a removed device, §3.6), windows (§8), answers (§5.3) and the edge's
 * state (§3.1). A publish that fails is logged; the stream goes on.
 */
import type { MqttClient } from 'mqtt';
import { BoundedMemo, DEVICES_REMEMBERED, KINDS_REMEMBERED } from './bounded-memo.ts';
import type { DeviceMessage, DeviceMessageKind } from './messages.ts';
import { QoS0Packets } from './publish-packet.ts';
import { deviceTopic, EDGE_STATE_OPTIONS, publishOptions, RESULT_OPTIONS, type QoS, type TopicOptions } from './topics.ts';
import type { WindowMessage } from './value-window.ts';

/** A turn's QoS 0 packets go to the socket once this many bytes wait, in writes of a socket buffer's size. */
const WRITE_AT_BYTES = 64 * 1024;

export class EdgePublisher {
  private readonly inFlight = new Set<Promise<void>>();
  /** Set while QoS 0 messages wait in a full socket: the one wait for its 'drain' that flushed() needs. */
  private drained: Promise<void> | undefined;
  /** This turn's QoS 0 packets, written to the socket in one write at its end (or before mqtt.js writes anything). */
  private packets: QoS0Packets | undefined;
  private turnEndScheduled = false;
  /** Publishes made, for the start-up line and tests. */
  published = 0;
  /** A device's topic per kind, made once: kept strings are hashed once, where new ones are at every lookup. */
  private readonly topics = new BoundedMemo<string, BoundedMemo<DeviceMessageKind, string>>(
    DEVICES_REMEMBERED,
    (device) => new BoundedMemo(KINDS_REMEMBERED, (kind) => deviceTopic(this.edgeId, device, kind)),
  );

  constructor(
    private readonly client: MqttClient,
    private readonly edgeId: string,
    private readonly dataQos: QoS,
    private readonly log: (line: string) => void,
  ) {}

  /** `encoded` is the payload's JSON already encoded, when the caller has it. */
  device(message: DeviceMessage, encoded?: Buffer): void {
    const topic = this.topics.get(message.device).get(message.kind);
    const payload = encoded ?? (message.payload === null ? '' : JSON.stringify(message.payload));
    this.send(topic, payload, publishOptions(message.kind, this.dataQos));
  }

  window(device: string, message: WindowMessage): void {
    this.send(deviceTopic(this.edgeId, device, 'window'), JSON.stringify(message), publishOptions('window', this.dataQos));
  }

  /** docs/mqtt.md §5.1: with MQTT 5 the answer carries the request's correlation data; §9.3's answers too. */
  answer(topic: string, answer: object, correlationData?: Uint8Array): void {
    const properties = correlationData === undefined ? undefined : { correlationData: Buffer.from(correlationData) };
    this.send(topic, JSON.stringify(answer), RESULT_OPTIONS, properties);
  }

  edgeState(topic: string, payload: object): void {
    this.send(topic, JSON.stringify(payload), EDGE_STATE_OPTIONS);
  }

  /** docs/mqtt.md §5.1: a retained command is cleared with an empty retained message. */
  clearRetained(topic: string): void {
    this.send(topic, '', { qos: 1, retain: true });
  }

  /** The edge's own messages (docs/mqtt.md §9): resolves once acknowledged; a failure is logged. */
  edgeMessage(topic: string, payload: string, options: TopicOptions): Promise<void> {
    return this.send(topic, payload, options);
  }

  /** Resolves once every publish made so far has been acknowledged or has failed. */
  async flushed(): Promise<void> {
    this.writePackets();
    await Promise.all([...this.inFlight]);
  }

  private send(topic: string, payload: string | Buffer, options: TopicOptions, properties?: { correlationData: Buffer }): Promise<void> {
    this.published += 1;
    if (options.qos === 0 && properties === undefined) {
      this.sendAtMostOnce(topic, payload, options);
      return Promise.resolve();
    }
    this.writePackets(); // what was published before goes out before
    const done = new Promise<void>((resolve) => {
      this.client.publish(topic, payload, { ...options, ...(properties === undefined ? {} : { properties }) }, (error) => {
        if (error !== undefined && error !== null) this.log(`publish to ${topic} failed: ${error.message}`);
        resolve();
      });
    });
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
    return done;
  }

  /**
   * A QoS 0 message has nothing to acknowledge it, so while mqtt.js is connected with nothing of its own waiting, the
   * packet joins this turn's (QoS0Packets), written to its socket stream at the end of the turn, or as soon as
   * WRITE_AT_BYTES wait.
   * Otherwise mqtt.js queues it behind what it holds, as after a reconnect. mqtt.js would also call a callback per
   * message on the socket's next 'drain', one listener each, whose removal costs grow with their number (the edge
   * bench's profile); instead the publisher waits for that 'drain' once, for every message written meanwhile.
   */
  private sendAtMostOnce(topic: string, payload: string | Buffer, options: TopicOptions): void {
    if (!this.writesDirectly()) {
      this.writePackets();
      this.client.publish(topic, payload, options);
      this.watchDrain();
      return;
    }
    this.packets ??= new QoS0Packets(this.client.options.protocolVersion === 5 ? 5 : 4);
    this.packets.add(topic, payload, options.retain);
    if (this.packets.waitingBytes >= WRITE_AT_BYTES) this.writePackets();
    if (this.turnEndScheduled) return;
    this.turnEndScheduled = true;
    process.nextTick(() => {
      this.turnEndScheduled = false;
      this.writePackets();
    });
  }

  /** Writes the packets gathered so far; on a socket that has closed meanwhile they are lost, as QoS 0 allows. */
  private writePackets(): void {
    if (this.packets === undefined || this.packets.waitingBytes === 0) return;
    const packets = this.packets.take();
    const stream = this.stream();
    if (!this.client.connected || stream?.writable !== true) return;
    stream.write(packets);
    this.watchDrain();
  }

  private watchDrain(): void {
    const stream = this.stream();
    if (this.drained !== undefined || stream?.writableNeedDrain !== true) return;
    const drained = new Promise<void>((resolve) => {
      const done = (): void => {
        stream.off('drain', done);
        stream.off('close', done);
        resolve();
      };
      stream.once('drain', done);
      stream.once('close', done);
    });
    this.drained = drained;
    this.inFlight.add(drained);
    void drained.then(() => {
      this.inFlight.delete(drained);
      this.drained = undefined;
    });
  }

  private stream(): (NodeJS.WritableStream & { writable?: boolean; writableNeedDrain?: boolean }) | undefined {
    return this.client.stream as (NodeJS.WritableStream & { writable?: boolean; writableNeedDrain?: boolean }) | undefined;
  }

  /** Connected, not closing, and no message of its offline queue still to send, which must go out first. */
  private writesDirectly(): boolean {
    const { client } = this;
    return client.connected && !client.disconnecting && client.queue.length === 0 && this.stream()?.writable === true;
  }
}
