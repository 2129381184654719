/**
 * A circuit breaker per sink (M. Nygard, "Release It!", ch. 5): after `failureThreshold` failures in a row the
 * circuit opens and no delivery is tried for `openMs`; then it is half-open, one batch is tried, and its success
 * closes the circuit while its failure opens it for another `openMs`. A down peer then costs one attempt per
 * `openMs` instead of a retry storm, and the state is a metric (wasmote_sink_circuit_state).
 */
export interface CircuitPolicy {
  failureThreshold: number;
  openMs: number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

/** The gauge's value per state. */
export const CIRCUIT_STATE_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failuresInRow = 0;
  private openedAtMs = 0;

  constructor(
    private readonly policy: CircuitPolicy,
    private readonly clock: { nowMs(): number },
    private readonly onChange: (state: CircuitState) => void = () => {},
  ) {}

  get state(): CircuitState {
    if (this.current === 'open' && this.clock.nowMs() - this.openedAtMs >= this.policy.openMs) {
      this.moveTo('half-open');
    }
    return this.current;
  }

  /** Milliseconds until a delivery may be tried: 0 unless the circuit is open. */
  waitMs(): number {
    return this.state === 'open' ? this.openedAtMs + this.policy.openMs - this.clock.nowMs() : 0;
  }

  success(): void {
    this.failuresInRow = 0;
    if (this.current !== 'closed') this.moveTo('closed');
  }

  failure(): void {
    this.failuresInRow++;
    if (this.current === 'half-open' || this.failuresInRow >= this.policy.failureThreshold) {
      this.openedAtMs = this.clock.nowMs();
      if (this.current !== 'open') this.moveTo('open');
    }
  }

  private moveTo(state: CircuitState): void {
    this.current = state;
    this.onChange(state);
  }
}
