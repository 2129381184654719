import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Forwarder } from '../../host/edge/forwarder/forwarder.ts';
import { CloudTierMetrics } from '../../host/edge/metrics.ts';
import { MemoryOutbox } from '../../host/edge/outbox/memory-outbox.ts';
import type { Sink } from '../../host/edge/sinks/sink.ts';
import { SinkError } from '../../host/edge/sinks/sink.ts';
import { ManualClock } from '../../host/flash/clock.ts';
import { makeRecords } from './support/records.ts';

const up: Sink = { name: 'nats', publish: async () => {}, close: async () => {} };
const down: Sink = {
  name: 'mqtt',
  publish: async () => {
    throw new SinkError('broker unreachable', 0);
  },
  close: async () => {},
};

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('cloud tier metrics', () => {
  it('exposes the outbox and each sink in the registry it is given, with units and _total in the names', async () => {
    const registry = new Registry();
    const nowMs = 1_700_000_000_000;
    const metrics = new CloudTierMetrics(registry, ['nats', 'mqtt'], () => nowMs + 1000);
    const outbox = new MemoryOutbox(
      ['nats', 'mqtt'],
      { maxRecords: 5, maxBytes: 1_000_000, overflow: 'drop-oldest', maxRecordBytes: 4096 },
      metrics.outbox,
    );
    metrics.watch(outbox);
    const clock = new ManualClock();
    const forwarder = new Forwarder({
      outbox,
      sinks: [up, down],
      batchRecords: 100,
      backoff: { initialMs: 100, maxMs: 100, multiplier: 2, jitter: 0 },
      circuit: { failureThreshold: 2, openMs: 60_000 },
      clock,
      observer: metrics.forwarder,
    });
    forwarder.start();
    await outbox.append(makeRecords(0, 8, { payloadBytes: 100 }).map((record) => ({ ...record, receivedAtMs: nowMs })));
    await settle();
    clock.advance(100);
    await settle();
    await forwarder.stop();

    const text = await registry.metrics();
    const line = (start: string) => text.split('\n').find((candidate) => candidate.startsWith(start));
    expect(line('wasmote_outbox_appended_total ')).toBe('wasmote_outbox_appended_total 8');
    expect(line('wasmote_outbox_dropped_total{')).toBe('wasmote_outbox_dropped_total{reason="overflow"} 3');
    expect(line('wasmote_outbox_rejected_total ')).toBe('wasmote_outbox_rejected_total 0');
    expect(line('wasmote_outbox_backlog_records ')).toBe('wasmote_outbox_backlog_records 5');
    expect(line('wasmote_outbox_backlog_bytes ')).toBe('wasmote_outbox_backlog_bytes 500');
    expect(line('wasmote_sink_messages_total{sink="nats"}')).toBe('wasmote_sink_messages_total{sink="nats"} 5');
    expect(line('wasmote_sink_messages_total{sink="mqtt"}')).toBe('wasmote_sink_messages_total{sink="mqtt"} 0');
    expect(line('wasmote_sink_failures_total{sink="mqtt"}')).toBe('wasmote_sink_failures_total{sink="mqtt"} 2');
    expect(line('wasmote_sink_circuit_state{sink="mqtt"}')).toBe('wasmote_sink_circuit_state{sink="mqtt"} 2');
    expect(line('wasmote_sink_circuit_state{sink="nats"}')).toBe('wasmote_sink_circuit_state{sink="nats"} 0');
    expect(line('wasmote_sink_backlog_records{sink="mqtt"}')).toBe('wasmote_sink_backlog_records{sink="mqtt"} 5');
    expect(line('wasmote_sink_backlog_records{sink="nats"}')).toBe('wasmote_sink_backlog_records{sink="nats"} 0');
    // Five records acknowledged one second after their receipt: all in the 1 s bucket, none in 0.5 s.
    expect(line('wasmote_sink_delivery_latency_seconds_bucket{le="0.5",sink="nats"}')).toMatch(/ 0$/);
    expect(line('wasmote_sink_delivery_latency_seconds_bucket{le="1",sink="nats"}')).toMatch(/ 5$/);
    expect(text).toContain('# TYPE wasmote_outbox_commit_seconds histogram');
  });
});
