/**
 * The gateway's Prometheus metrics (docs/edge.md, "Health and metrics"): frames in by what became of them, devices
 * online, commands by result and their round trip to the device. Frame counts are read from the links' decoders
 * at each scrape, so the message path pays nothing for them; the decoders of closed links are added up as they close.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DROP_REASONS } from '../../link/drop-reasons.ts';
import type { LinkDecoderStats } from '../../link/decoder.ts';
import type { CommandAnswer, ForgetAnswer, GatewayView } from './messages.ts';

/** docs/link-protocol.md §5.2: what the session tracker made of the frames it delivered. */
const SEQUENCE_EVENTS = { gaps: 'gap', duplicates: 'duplicate', reorders: 'reorder', late: 'late', resets: 'reset', sessionChanges: 'session-change' } as const;
/** Seconds: a command's round trip is a link's latency plus the app's time to answer, up to the 10 s timeout. */
const ROUND_TRIP_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const MS_PER_S = 1000;

export class GatewayMetrics {
  /** The links' decoders, while their links are open. */
  private readonly open = new Set<LinkDecoderStats>();
  /** What closed links counted. */
  private readonly closed: Record<string, number> = {};
  private readonly commands: Counter<'result'>;
  private readonly roundTrip: Histogram;

  constructor(registry: Registry, devices: () => ReturnType<GatewayView['devices']>) {
    const metrics = this;
    new Counter({
      name: 'wasmote_edge_frames_total',
      help: 'Link frames in: delivered (ok), or dropped by reason (docs/link-protocol.md §6)',
      labelNames: ['reason'],
      registers: [registry],
      collect() {
        this.reset();
        this.inc({ reason: 'ok' }, metrics.total('framesOk'));
        for (const reason of DROP_REASONS) this.inc({ reason }, metrics.total(reason));
      },
    });
    new Counter({
      name: 'wasmote_edge_link_sequence_total',
      help: 'What the session tracker found in the delivered frames (docs/link-protocol.md §5.2); gap counts numbers skipped',
      labelNames: ['event'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [field, event] of Object.entries(SEQUENCE_EVENTS)) this.inc({ event }, metrics.total(field as keyof LinkDecoderStats));
      },
    });
    new Gauge({
      name: 'wasmote_edge_devices',
      help: 'Devices the edge knows, by state (docs/mqtt.md §3.3)',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const known = devices();
        const online = known.filter(({ state }) => state?.state === 'online').length;
        this.set({ state: 'online' }, online);
        this.set({ state: 'offline' }, known.length - online);
      },
    });
    this.commands = new Counter({
      name: 'wasmote_edge_commands_total',
      help: "Device commands answered (docs/mqtt.md §5.3), by result: ok, nack, timeout, interrupted, or the edge's error",
      labelNames: ['result'],
      registers: [registry],
    });
    this.roundTrip = new Histogram({
      name: 'wasmote_edge_command_round_trip_seconds',
      help: 'From sending a COMMAND to its COMMAND_RESULT, for answers the device gave (not from the cache)',
      buckets: ROUND_TRIP_BUCKETS_S,
      registers: [registry],
    });
  }

  /** A link's decoder, counted while the link is open and added to the totals when `closed` is called. */
  watchLink(stats: LinkDecoderStats): { closed(): void } {
    this.open.add(stats);
    return {
      closed: () => {
        if (!this.open.delete(stats)) return;
        for (const [field, value] of Object.entries(stats)) this.closed[field] = (this.closed[field] ?? 0) + value;
      },
    };
  }

  answered(answer: CommandAnswer | ForgetAnswer): void {
    this.commands.inc({ result: answer.result === 'error' ? answer.error : answer.result });
    if ((answer.result === 'ok' || answer.result === 'nack') && answer.origin !== 'edge' && !answer.cached) {
      this.roundTrip.observe(answer.rttMs / MS_PER_S);
    }
  }

  private total(field: keyof LinkDecoderStats): number {
    let sum = this.closed[field] ?? 0;
    for (const stats of this.open) sum += stats[field];
    return sum;
  }
}
