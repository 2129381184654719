import { describe, expect, it } from 'vitest';
import { backoffDelayMs, type BackoffPolicy } from '../../../host/edge/forwarder/backoff.ts';
import { CircuitBreaker, type CircuitState } from '../../../host/edge/forwarder/circuit-breaker.ts';
import { ManualClock } from '../../../host/flash/clock.ts';
import { Prng } from '../../../host/sim/prng.ts';

const POLICY: BackoffPolicy = { initialMs: 100, maxMs: 5000, multiplier: 2, jitter: 0.5 };

describe('backoff', () => {
  it('doubles its ceiling per attempt up to maxMs', () => {
    const ceiling = (attempt: number) => backoffDelayMs(POLICY, attempt, () => 0);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(ceiling)).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it('leaves the jitter fraction of the ceiling to chance', () => {
    expect(backoffDelayMs(POLICY, 3, () => 0.999_999)).toBeCloseTo(400, 3);
    expect(backoffDelayMs(POLICY, 3, () => 0.5)).toBe(600);
    expect(backoffDelayMs({ ...POLICY, jitter: 1 }, 3, () => 0.5)).toBe(400);
    expect(backoffDelayMs({ ...POLICY, jitter: 0 }, 3, () => 0.5)).toBe(800);
  });

  it('spreads delays over the whole jitter range', () => {
    const prng = new Prng(11);
    const delays = Array.from({ length: 2000 }, () => backoffDelayMs({ ...POLICY, jitter: 1 }, 2, () => prng.next()));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(400);
    // Each quarter of [0, 400) holds about a quarter of the draws.
    for (let quarter = 0; quarter < 4; quarter++) {
      const inQuarter = delays.filter((d) => d >= quarter * 100 && d < (quarter + 1) * 100).length;
      expect(inQuarter).toBeGreaterThan(400);
      expect(inQuarter).toBeLessThan(600);
    }
  });
});

describe('circuit breaker', () => {
  function breaker() {
    const clock = new ManualClock();
    const changes: CircuitState[] = [];
    const circuit = new CircuitBreaker({ failureThreshold: 3, openMs: 10_000 }, clock, (state) => changes.push(state));
    return { clock, changes, circuit };
  }

  it('stays closed below the threshold, and a success resets the count', () => {
    const { circuit, changes } = breaker();
    circuit.failure();
    circuit.failure();
    circuit.success();
    circuit.failure();
    circuit.failure();
    expect(circuit.state).toBe('closed');
    expect(circuit.waitMs()).toBe(0);
    expect(changes).toEqual([]);
  });

  it('opens at the threshold, holds for openMs, then lets one trial decide', () => {
    const { circuit, changes, clock } = breaker();
    for (let i = 0; i < 3; i++) circuit.failure();
    expect(circuit.state).toBe('open');
    clock.advance(4000);
    expect(circuit.waitMs()).toBe(6000);
    clock.advance(6000);
    expect(circuit.state).toBe('half-open');
    expect(circuit.waitMs()).toBe(0);
    circuit.failure(); // the trial fails: open again, for a whole openMs
    expect(circuit.state).toBe('open');
    expect(circuit.waitMs()).toBe(10_000);
    clock.advance(10_000);
    expect(circuit.state).toBe('half-open');
    circuit.success();
    expect(circuit.state).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });
});
