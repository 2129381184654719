import { afterEach, describe, expect, it } from 'vitest';
import type { CircuitState } from '../../../host/edge/forwarder/circuit-breaker.ts';
import { Forwarder, type ForwarderOptions } from '../../../host/edge/forwarder/forwarder.ts';
import { MemoryOutbox } from '../../../host/edge/outbox/memory-outbox.ts';
import type { OutboxRecord } from '../../../host/edge/record.ts';
import { type Sink, SinkError } from '../../../host/edge/sinks/sink.ts';
import { ManualClock } from '../../../host/flash/clock.ts';
import { makeRecords, recordNumber } from '../support/records.ts';

/**
 * The forwarder against MemoryOutbox and scripted sinks, on a manual clock: every wait is a scheduled callback,
 * so the times at which batches go out are exact and nothing sleeps.
 */

type Outcome = 'ok' | { delivered: number } | Promise<void>;

/** A sink that answers each publish with the next scripted outcome ('ok' once the script runs out). */
class ScriptedSink implements Sink {
  readonly calls: { atMs: number; numbers: number[] }[] = [];

  constructor(
    readonly name: string,
    private readonly clock: ManualClock,
    private readonly script: Outcome[] = [],
  ) {}

  async publish(records: readonly OutboxRecord[]): Promise<void> {
    this.calls.push({ atMs: this.clock.nowMs(), numbers: records.map((record) => recordNumber(record.payload)) });
    const outcome = this.script.shift() ?? 'ok';
    if (outcome === 'ok') return;
    if (outcome instanceof Promise) return outcome;
    throw new SinkError('scripted failure', outcome.delivered);
  }

  async close(): Promise<void> {}
}

const LIMITS = { maxRecords: 10_000, maxBytes: 10_000_000, overflow: 'drop-oldest', maxRecordBytes: 4096 } as const;

const forwarders: Forwarder[] = [];
afterEach(async () => {
  for (const forwarder of forwarders.splice(0)) await forwarder.stop();
});

function setUp(sinks: ScriptedSink[], clock: ManualClock, options: Partial<ForwarderOptions> = {}) {
  const outbox = new MemoryOutbox(
    sinks.map((sink) => sink.name),
    LIMITS,
  );
  const circuit: { sink: string; state: CircuitState; atMs: number }[] = [];
  const failures: { sink: string; retryInMs: number }[] = [];
  const forwarder = new Forwarder({
    outbox,
    sinks,
    batchRecords: 10,
    backoff: { initialMs: 100, maxMs: 1000, multiplier: 2, jitter: 0.5 },
    circuit: { failureThreshold: 3, openMs: 10_000 },
    clock,
    random: () => 0.5, // every delay is 3/4 of its ceiling
    observer: {
      delivered: () => {},
      failed: (sink, _error, retryInMs) => failures.push({ sink, retryInMs }),
      circuit: (sink, state) => circuit.push({ sink, state, atMs: clock.nowMs() }),
    },
    ...options,
  });
  forwarders.push(forwarder);
  forwarder.start();
  return { outbox, forwarder, circuit, failures };
}

/** Lets the lanes run until they wait on the clock or for records. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Advances the clock in 1 ms steps, letting the lanes run after each. */
async function advance(clock: ManualClock, ms: number): Promise<void> {
  for (let i = 0; i < ms; i++) {
    clock.advance(1);
    await settle();
  }
}

describe('Forwarder', () => {
  it('drains in batches as records arrive, moving the cursor past each acknowledged batch', async () => {
    const clock = new ManualClock();
    const sink = new ScriptedSink('nats', clock);
    const { outbox } = setUp([sink], clock);
    await outbox.append(makeRecords(0, 25));
    await settle();
    expect(sink.calls.map((call) => call.numbers.length)).toEqual([10, 10, 5]);
    await outbox.append(makeRecords(25, 2));
    await settle();
    expect(sink.calls.at(-1)!.numbers).toEqual([25, 26]);
    expect(outbox.stats()).toMatchObject({ records: 0, pendingBySink: { nats: 0 } });
  });

  it('retries after exponential backoff with jitter, sending only what the peer did not acknowledge', async () => {
    const clock = new ManualClock();
    const sink = new ScriptedSink('nats', clock, [{ delivered: 3 }, { delivered: 0 }, { delivered: 2 }, 'ok']);
    const { outbox, failures } = setUp([sink], clock, { circuit: { failureThreshold: 10, openMs: 10_000 } });
    await outbox.append(makeRecords(0, 10));
    await settle();
    await advance(clock, 600);
    // Ceilings 100, 200, 400 ms; with the draw at 0.5 and jitter 0.5, each wait is 3/4 of its ceiling.
    expect(failures.map((failure) => failure.retryInMs)).toEqual([75, 150, 300]);
    expect(sink.calls).toEqual([
      { atMs: 0, numbers: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
      { atMs: 75, numbers: [3, 4, 5, 6, 7, 8, 9] },
      { atMs: 225, numbers: [3, 4, 5, 6, 7, 8, 9] },
      { atMs: 525, numbers: [5, 6, 7, 8, 9] },
    ]);
    expect(outbox.stats().records).toBe(0);
  });

  it('opens the circuit after three failures in a row, tries once per openMs, and closes on success', async () => {
    const clock = new ManualClock();
    const failing = Array.from({ length: 4 }, () => ({ delivered: 0 }));
    const sink = new ScriptedSink('nats', clock, [...failing, 'ok']);
    const { outbox, circuit } = setUp([sink], clock);
    await outbox.append(makeRecords(0, 4));
    await settle();
    await advance(clock, 300);
    // Failures at 0, 75 and 225 ms: the third opens the circuit.
    expect(sink.calls.map((call) => call.atMs)).toEqual([0, 75, 225]);
    expect(circuit).toEqual([{ sink: 'nats', state: 'open', atMs: 225 }]);
    await advance(clock, 9924);
    expect(sink.calls).toHaveLength(3);
    await advance(clock, 1); // 10,225 ms: the trial batch fails, open again
    await advance(clock, 10_000); // 20,225 ms: the next trial succeeds
    expect(sink.calls.map((call) => call.atMs)).toEqual([0, 75, 225, 10_225, 20_225]);
    expect(circuit.map(({ state, atMs }) => [state, atMs])).toEqual([
      ['open', 225],
      ['half-open', 10_225],
      ['open', 10_225],
      ['half-open', 20_225],
      ['closed', 20_225],
    ]);
    expect(outbox.stats().records).toBe(0);
  }, 60_000);

  it('lets a healthy sink drain while another is down; the records stay for the one that lacks them', async () => {
    const clock = new ManualClock();
    const down = new ScriptedSink('mqtt', clock, Array.from({ length: 100 }, () => ({ delivered: 0 })));
    const up = new ScriptedSink('nats', clock);
    const { outbox } = setUp([down, up], clock);
    await outbox.append(makeRecords(0, 30));
    await settle();
    await advance(clock, 50);
    expect(up.calls.flatMap((call) => call.numbers)).toEqual(Array.from({ length: 30 }, (_, n) => n));
    expect(outbox.stats()).toMatchObject({ records: 30, pendingBySink: { nats: 0, mqtt: 30 } });
  });

  it('stop() waits for the batch in flight and acknowledges it, then sends nothing more', async () => {
    const clock = new ManualClock();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const sink = new ScriptedSink('nats', clock, [held]);
    const { outbox, forwarder } = setUp([sink], clock);
    await outbox.append(makeRecords(0, 5));
    await settle();
    let stopped = false;
    const stopping = forwarder.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(outbox.stats().pendingBySink).toEqual({ nats: 0 });
    await outbox.append(makeRecords(5, 5));
    await settle();
    expect(sink.calls).toHaveLength(1);
  });

  it('stop() ends a backoff wait at once', async () => {
    const clock = new ManualClock();
    const sink = new ScriptedSink('nats', clock, [{ delivered: 0 }]);
    const { outbox, forwarder } = setUp([sink], clock);
    await outbox.append(makeRecords(0, 1));
    await settle();
    await forwarder.stop(); // would hang if the lane still waited for the clock
    expect(sink.calls).toHaveLength(1);
  });
});
