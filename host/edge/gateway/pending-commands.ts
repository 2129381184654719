/**
 * docs/mqtt.md §5.2: the commands sent to one device and waiting for its COMMAND_RESULT. Each is resent, the same
 * frame, every RESEND_AFTER_MS (the device answers a repeat from its store, docs/link-protocol.md §7.4) and given
 * up after COMMAND_TIMEOUT_MS; a session change ends every one of them.
 */
import type { Clock } from '../../flash/clock.ts';
import type { CommandResultMessage } from '../../link/messages.ts';

export const RESEND_AFTER_MS = 2000;
export const COMMAND_TIMEOUT_MS = 10_000;

export type CommandOutcome =
  | { kind: 'result'; result: CommandResultMessage; rttMs: number }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'interrupted'; oldSession: number; newSession: number };

interface Waiting {
  firstSentAtMs: number;
  session: number;
  cancelTimers: () => void;
  settle(outcome: CommandOutcome): void;
}

export class PendingCommands {
  private readonly waiting = new Map<number, Waiting>();

  constructor(
    private readonly clock: Clock,
    /** Writes a frame to the device's link as it is now (a device may come back on another connection). */
    private readonly write: (frame: Uint8Array) => void,
  ) {}

  get size(): number {
    return this.waiting.size;
  }

  /** Sends `frame`, the COMMAND with `commandId`, to the device in `session`; resolves with what became of it. */
  send(commandId: number, frame: Uint8Array, session: number): Promise<CommandOutcome> {
    return new Promise((resolve) => {
      const firstSentAtMs = this.clock.nowMs();
      const resend = (): void => {
        this.write(frame);
        cancelResend = this.clock.schedule(RESEND_AFTER_MS, resend);
      };
      let cancelResend = this.clock.schedule(RESEND_AFTER_MS, resend);
      const cancelTimeout = this.clock.schedule(COMMAND_TIMEOUT_MS, () =>
        entry.settle({ kind: 'timeout', timeoutMs: COMMAND_TIMEOUT_MS }),
      );
      const entry: Waiting = {
        firstSentAtMs,
        session,
        cancelTimers: () => {
          cancelResend();
          cancelTimeout();
        },
        settle: (outcome) => {
          if (this.waiting.get(commandId) !== entry) return;
          this.waiting.delete(commandId);
          entry.cancelTimers();
          resolve(outcome);
        },
      };
      this.waiting.set(commandId, entry);
      this.write(frame);
    });
  }

  /** A COMMAND_RESULT: settles its command; false when none waits for it (a late repeat's answer). */
  answer(result: CommandResultMessage): boolean {
    const entry = this.waiting.get(result.commandId);
    if (entry === undefined) return false;
    entry.settle({ kind: 'result', result, rttMs: this.clock.nowMs() - entry.firstSentAtMs });
    return true;
  }

  /** docs/mqtt.md §5.2: the device's session changed; every command still waiting is interrupted. */
  sessionChanged(newSession: number): void {
    for (const entry of [...this.waiting.values()]) {
      if (entry.session !== newSession) entry.settle({ kind: 'interrupted', oldSession: entry.session, newSession });
    }
  }

  /** The edge is stopping: what waits times out at once. */
  cancelAll(): void {
    for (const entry of [...this.waiting.values()]) entry.settle({ kind: 'timeout', timeoutMs: this.clock.nowMs() - entry.firstSentAtMs });
  }
}
