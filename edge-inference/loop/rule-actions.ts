import type { CommandAnswer } from '../../host/edge/gateway/messages.ts';
import type { LedBefore } from './alarm.ts';
import type { RuleAction } from './rules.ts';

export interface DeviceCommand {
  /** A §5.1 command name. */
  command: string;
  payload: Record<string, unknown>;
}

/** A rule's action as the command to send; `restore: "led"` becomes the §5.1 `led` payload of `ledBefore`. */
export function actionCommand(action: RuleAction, ledBefore: LedBefore | null): DeviceCommand {
  if ('command' in action) return { command: action.command, payload: action.payload };
  return { command: 'led', payload: ledRestorePayload(ledBefore) };
}

/** §5.1 `led` for the mode §3.4 reported; `unknown` (the app never said) and no status at all give `off`. */
export function ledRestorePayload(ledBefore: LedBefore | null): Record<string, unknown> {
  if (ledBefore?.mode === 'blink' && ledBefore.periodMs > 0) return { mode: 'blink', periodMs: ledBefore.periodMs };
  if (ledBefore?.mode === 'on') return { mode: 'on' };
  return { mode: 'off' };
}

/** A §5.3 answer in a few words, for the log. */
export function describeAnswer(answer: CommandAnswer): string {
  switch (answer.result) {
    case 'ok':
      return 'ok';
    case 'nack':
      return `nack ${answer.origin} ${answer.status}`;
    case 'error':
      return `refused: ${answer.error} (${answer.detail})`;
    case 'timeout':
      return `timeout (${answer.detail})`;
    case 'interrupted':
      return `interrupted: the device rebooted (session ${answer.oldSession} → ${answer.newSession})`;
  }
}
