import { Counter, type Registry } from 'prom-client';

/** Why an NCMD or DCMD (or one metric of it) did nothing; docs/edge.md, "Sparkplug B". */
export type CommandRejection = 'malformed' | 'unknown-device' | 'unknown-metric' | 'read-only' | 'bad-value';

/** The profile's Prometheus metrics, in the edge's registry (or in none, when it is not given). */
export class SparkplugCounters {
  private readonly rejected: Counter<'reason'>;
  private readonly connects: Counter<'result'>;

  constructor(registry?: Registry) {
    const registers = registry ? [registry] : [];
    this.rejected = new Counter({
      name: 'wasmote_sparkplug_commands_rejected_total',
      help: 'NCMD and DCMD payloads, or metrics of them, that were ignored, by reason.',
      labelNames: ['reason'],
      registers,
    });
    this.connects = new Counter({
      name: 'wasmote_sparkplug_connects_total',
      help: 'CONNECTs of the Sparkplug connection (each with its own bdSeq), by result.',
      labelNames: ['result'],
      registers,
    });
  }

  rejectCommand(reason: CommandRejection): void {
    this.rejected.inc({ reason });
  }

  connected(ok: boolean): void {
    this.connects.inc({ result: ok ? 'ok' : 'failed' });
  }
}
