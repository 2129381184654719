import type { GatewayView } from '../../host/edge/gateway/messages.ts';
import type { Alarm } from './alarm.ts';
import type { AlarmBook } from './alarm-book.ts';
import { actionCommand, describeAnswer } from './rule-actions.ts';
import type { RuleAction } from './rules.ts';

/**
 * Sends a rule's commands through the gateway (docs/mqtt.md §5.2): a device's commands one after the other, in
 * the order the rules gave them, so its LED ends as the last rule said; each §5.3 answer logged and kept on
 * its alarm.
 */
export class RuleCommands {
  private readonly underWay = new Set<Promise<void>>();
  private readonly lastOfDevice = new Map<string, Promise<void>>();

  constructor(
    private readonly view: GatewayView,
    private readonly book: AlarmBook,
    private readonly wallClockMs: () => number,
    private readonly log: (line: string) => void,
  ) {}

  run(alarm: Alarm, actions: readonly RuleAction[]): void {
    if (actions.length === 0) return;
    const previous = this.lastOfDevice.get(alarm.device) ?? Promise.resolve();
    const done = previous.then(() => this.send(alarm, actions));
    this.lastOfDevice.set(alarm.device, done);
    this.underWay.add(done);
    void done.finally(() => {
      this.underWay.delete(done);
      if (this.lastOfDevice.get(alarm.device) === done) this.lastOfDevice.delete(alarm.device);
    });
  }

  /** Resolves when every command sent so far has its answer (the gateway's never takes longer than its timeout). */
  async settled(): Promise<void> {
    await Promise.all([...this.underWay]);
  }

  private async send(alarm: Alarm, actions: readonly RuleAction[]): Promise<void> {
    for (const action of actions) {
      const { command, payload } = actionCommand(action, alarm.ledBefore);
      // GatewayView.command never rejects: a failure is its answer.
      const answer = await this.view.command(alarm.device, command, payload);
      this.log(`alarm ${alarm.id} ${alarm.device}: ${command} ${JSON.stringify(payload)} → ${describeAnswer(answer)}`);
      this.book.recordCommand(alarm, { command, payload, time: new Date(this.wallClockMs()).toISOString(), answer });
    }
  }
}
