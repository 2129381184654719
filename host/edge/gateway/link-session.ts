/**
 * One device link as the gateway reads it: frames decoded and placed by session (docs/link-protocol.md §5.2),
 * duplicates dropped, the birth assembled from HELLO and its METRICs (docs/mqtt.md §3.2), data held until the
 * session has a birth (§4.1), ticks merged, and the device asked for its HELLO when the edge has none.
 * What the frames mean for the device is the registry's: this module reports to a narrow context.
 */
import type { Clock } from '../../flash/clock.ts';
import { LinkDecoder, type DecodedFrame } from '../../link/decoder.ts';
import { LinkEncoder } from '../../link/encoder.ts';
import {
  RunnerOpcode,
  type CommandResultMessage,
  type EventMessage,
  type HeartbeatMessage,
  type HelloMessage,
  type LogMessage,
  type MetricMessage,
} from '../../link/messages.ts';
import type { DeviceLink } from '../links/link.ts';
import { BirthAssembly, metricsProblem } from './birth.ts';
import { HeldFrames, type HeldFrame } from './held-frames.ts';
import type { FrameIdentity } from './messages.ts';
import { TickMerger, type Tick } from './tick-merger.ts';

/** A device that keeps sending without a HELLO is asked again at most this often (a lost request or answer). */
export const HELLO_REQUEST_INTERVAL_MS = 2000;

/** What a link session reports; `arrivalWallMs` is when the frame's bytes arrived. */
export interface LinkSessionContext {
  readonly clock: Clock;
  readonly edgeSession: number;
  /** False once the edge stops taking frames. */
  readonly accepting: boolean;
  wallNowMs(): number;
  /** docs/link-protocol.md §4.5: a fresh `command_id`, unique across the edge's links. */
  nextCommandId(): number;
  /** A frame of `session` came from `deviceId` on this link. */
  seen(link: LinkSession, deviceId: string, session: number, arrivalWallMs: number): void;
  /** docs/mqtt.md §1: a HELLO or HEARTBEAT's estimate of the session's anchor. */
  timeEstimate(deviceId: string, session: number, uptimeMs: number, heartbeatPeriodMs: number, arrivalWallMs: number): void;
  birth(deviceId: string, hello: HelloMessage, metrics: readonly MetricMessage[], arrivalWallMs: number): void;
  heartbeat(link: LinkSession, deviceId: string, heartbeat: HeartbeatMessage, identity: FrameIdentity, arrivalWallMs: number): void;
  tick(deviceId: string, tick: Tick): void;
  log(deviceId: string, message: LogMessage, identity: FrameIdentity, arrivalWallMs: number): void;
  event(deviceId: string, message: EventMessage, identity: FrameIdentity, arrivalWallMs: number): void;
  commandResult(deviceId: string, result: CommandResultMessage): void;
  /** docs/mqtt.md §4.1: values that could not be named and were dropped. */
  unnamed(valueCount: number): void;
  problem(line: string): void;
  /**
   * docs/edge.md, "Gaps across links": how many numbers of `session` the device sent after the last frame the edge
   * kept of it and before `firstSeq`, this link's first; 0 when the edge kept nothing of that session.
   */
  missedBeforeLink(deviceId: string, session: number, firstSeq: number): number;
  /** The link closed, whatever the reason (docs/device-links.md): its device, if any, is offline. */
  closed(link: LinkSession): void;
}

export class LinkSession {
  /** The edge's counters for this link (docs/mqtt.md §3.4 `edgeLink`). */
  readonly decoder = new LinkDecoder();
  /** The device on this link, from its latest HELLO. */
  deviceId: string | null = null;
  private readonly encoder: LinkEncoder;
  private readonly held: HeldFrames;
  private readonly ticks: TickMerger;
  private assembly: { birth: BirthAssembly; tag: number } | null = null;
  /** The session whose birth the edge has, and its tag. */
  private born: { tag: number; session: number } | null = null;
  private helloRequestedAtMs = Number.NEGATIVE_INFINITY;
  /** This link's first frame, and whether its device's earlier links have been looked at for what fell between. */
  private first: { tag: number; seq: number; resumed: boolean } | null = null;
  /** Numbers the device sent while it had no link to this edge (or the edge was down): part of `edgeLink.gaps`. */
  gapsBeforeLink = 0;

  constructor(
    readonly link: DeviceLink,
    private readonly context: LinkSessionContext,
  ) {
    this.encoder = new LinkEncoder({ session: context.edgeSession });
    this.held = new HeldFrames(context.clock, (frames) => this.expired(frames));
    this.ticks = new TickMerger(context.clock, (tick) => {
      if (this.deviceId !== null) context.tick(this.deviceId, tick);
    });
    link.onData((bytes) => this.receive(bytes));
    link.onClose(() => {
      this.ticks.flush();
      this.expired(this.held.take());
      context.closed(this);
    });
  }

  /** Encodes a COMMAND for this link (docs/link-protocol.md §4.5); the frame may be written again to resend it. */
  commandFrame(commandId: number, payload: Uint8Array): Uint8Array {
    return this.encoder.encode({ type: 'command', commandId, payload });
  }

  write(frame: Uint8Array): void {
    this.link.write(frame);
  }

  private receive(bytes: Uint8Array): void {
    if (!this.context.accepting) return;
    const arrivalWallMs = this.context.wallNowMs();
    for (const frame of this.decoder.push(bytes)) this.handle(frame, arrivalWallMs);
  }

  private handle(frame: DecodedFrame, arrivalWallMs: number): void {
    // docs/link-protocol.md §5.2: duplicates are delivered and counted; dropping them is the edge's choice.
    if (frame.order === 'duplicate') return;
    this.first ??= { tag: frame.sessionTag, seq: frame.seq, resumed: false };
    const { message } = frame;
    if (message.type !== 'data') this.ticks.flush();
    // §7.1: HELLO's METRICs follow with nothing in between; anything else of its session means one was lost.
    const interrupts = message.type !== 'metric' && message.type !== 'hello';
    if (this.assembly !== null && interrupts && frame.sessionTag === this.assembly.tag) {
      this.assembly = null;
      this.requestHello();
    }
    switch (message.type) {
      case 'hello':
        if (!frame.late) this.hello(message, frame, arrivalWallMs);
        return;
      case 'metric':
        this.metric(message, frame, arrivalWallMs);
        return;
      case 'heartbeat':
        if (!frame.late) this.heartbeat(message, frame, arrivalWallMs);
        return;
      case 'command-result':
        if (this.deviceId !== null) this.context.commandResult(this.deviceId, message);
        return;
      case 'data':
      case 'log':
      case 'event':
        this.stream(frame, arrivalWallMs);
        return;
      default:
        // COMMAND and PROXY_RESPONSE go the other way; PROXY_REQUESTs are the firmware run's host's to answer.
        return;
    }
  }

  private hello(hello: HelloMessage, frame: DecodedFrame, arrivalWallMs: number): void {
    this.deviceId = hello.deviceId;
    if (this.first !== null && !this.first.resumed && this.first.tag === frame.sessionTag) {
      this.first.resumed = true;
      this.gapsBeforeLink = this.context.missedBeforeLink(hello.deviceId, hello.session, this.first.seq);
    }
    this.context.seen(this, hello.deviceId, hello.session, arrivalWallMs);
    this.context.timeEstimate(hello.deviceId, hello.session, hello.uptimeMs, hello.heartbeatPeriodMs, arrivalWallMs);
    if (frame.sessionTag !== this.born?.tag) this.born = null;
    this.assembly = { birth: new BirthAssembly(hello, frame.seq), tag: frame.sessionTag };
    this.completeBirth(arrivalWallMs);
  }

  private metric(metric: MetricMessage, frame: DecodedFrame, arrivalWallMs: number): void {
    const assembly = this.assembly;
    if (assembly === null || frame.sessionTag !== assembly.tag || !assembly.birth.add(metric, frame.seq)) return;
    this.completeBirth(arrivalWallMs);
  }

  private completeBirth(arrivalWallMs: number): void {
    const assembly = this.assembly;
    if (assembly === null || !assembly.birth.complete) return;
    this.assembly = null;
    const { hello, collected } = assembly.birth;
    const problem = metricsProblem(collected);
    if (problem === null) {
      this.context.birth(hello.deviceId, hello, collected, arrivalWallMs);
      this.born = { tag: assembly.tag, session: hello.session };
    } else {
      this.context.problem(`device ${hello.deviceId}: ${problem} (docs/link-protocol.md §4.2); its data is not published`);
    }
    this.release();
  }

  private heartbeat(heartbeat: HeartbeatMessage, frame: DecodedFrame, arrivalWallMs: number): void {
    const deviceId = this.deviceId;
    if (deviceId === null) {
      this.requestHello();
      return;
    }
    this.context.seen(this, deviceId, heartbeat.session, arrivalWallMs);
    this.context.timeEstimate(deviceId, heartbeat.session, heartbeat.uptimeMs, heartbeat.heartbeatPeriodMs, arrivalWallMs);
    this.context.heartbeat(this, deviceId, heartbeat, { session: heartbeat.session, seq: frame.seq }, arrivalWallMs);
    if (this.born?.tag !== frame.sessionTag && this.assembly === null) this.requestHello();
  }

  /** DATA, LOG, EVENT: delivered when the session has a birth, else held while the edge asks for the HELLO. */
  private stream(frame: DecodedFrame, arrivalWallMs: number): void {
    if (frame.sessionTag === this.born?.tag && !frame.late) {
      this.deliver({ frame, arrivalWallMs }, this.born.session);
      return;
    }
    if (frame.late) {
      this.expired([{ frame, arrivalWallMs }]);
      return;
    }
    this.held.hold(frame, arrivalWallMs);
    if (this.assembly === null) this.requestHello();
  }

  private deliver({ frame, arrivalWallMs }: HeldFrame, session: number, wasHeld = false): void {
    const deviceId = this.deviceId!;
    const identity = { session, seq: frame.seq };
    const { message } = frame;
    if (!wasHeld) this.context.seen(this, deviceId, session, arrivalWallMs);
    if (message.type === 'data') this.ticks.push(session, frame.seq, message.timeMs, message.values, arrivalWallMs);
    else if (message.type === 'log') this.context.log(deviceId, message, identity, arrivalWallMs);
    else if (message.type === 'event') this.context.event(deviceId, message, identity, arrivalWallMs);
  }

  /** The birth has come: what was held for its session goes out in order; the rest expires. */
  private release(): void {
    const frames = this.held.take();
    const expired: HeldFrame[] = [];
    const born = this.born;
    for (const held of frames) {
      if (born !== null && held.frame.sessionTag === born.tag) this.deliver(held, born.session, true);
      else expired.push(held);
    }
    this.ticks.flush();
    this.expired(expired);
  }

  /**
   * Held too long, or of an earlier session: data cannot be named and is counted and dropped (docs/mqtt.md §4.1);
   * logs and events need no names and go out when the device and session are known.
   */
  private expired(frames: readonly HeldFrame[]): void {
    for (const held of frames) {
      const { message } = held.frame;
      if (message.type === 'data') this.context.unnamed(message.values.length);
      else if (this.deviceId !== null && held.frame.session !== null) this.deliver(held, held.frame.session, true);
    }
  }

  /** docs/link-protocol.md §4.5.1: the runner's HELLO command; its answer is not waited for. */
  private requestHello(): void {
    const nowMs = this.context.clock.nowMs();
    if (nowMs - this.helloRequestedAtMs < HELLO_REQUEST_INTERVAL_MS) return;
    this.helloRequestedAtMs = nowMs;
    this.write(this.commandFrame(this.context.nextCommandId(), Uint8Array.of(RunnerOpcode.Hello)));
  }
}
