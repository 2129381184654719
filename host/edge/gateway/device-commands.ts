/**
 * docs/mqtt.md §5.2: one command from request to answer, whichever way it came (MQTT or in process): checked
 * against the device's birth, answered from the 5-minute cache when it repeats one, refused when the device is
 * offline, else sent with a fresh `command_id` and waited for.
 */
import { RUNNER_COMMANDS } from './birth.ts';
import { deviceAnswer, interruptedAnswer, refusal, timeoutAnswer, type CommandTarget } from './command-answers.ts';
import { commandCacheKey } from './command-cache.ts';
import { commandRequest } from './command-request.ts';
import type { DeviceRegistry } from './device-registry.ts';
import type { CommandAnswer } from './messages.ts';

export interface CommandInput {
  device: string;
  command: string;
  payload: Record<string, unknown>;
  /** MQTT 5 Correlation Data, which keys the cache like `id` does (§5.1). */
  correlationData?: Uint8Array;
}

export class DeviceCommands {
  constructor(private readonly registry: DeviceRegistry) {}

  /** Resolves with the §5.3 answer; never rejects. */
  async run({ device, command, payload, correlationData }: CommandInput): Promise<CommandAnswer> {
    const id = payload.id;
    const target: CommandTarget = typeof id === 'string' ? { device, command, id } : { device, command };
    if (id !== undefined && typeof id !== 'string') return refusal(target, 'bad-argument', 'id: must be a string');
    const record = this.registry.get(device);
    if (record === undefined) return refusal(target, 'unknown-device', `${device}: the edge has not heard from it`);
    const request = commandRequest(command, payload, record.birth?.commands ?? RUNNER_COMMANDS);
    if (!request.ok) return refusal(target, request.error, request.detail);
    const cacheKey = commandCacheKey(target.id, correlationData);
    const cached = cacheKey === undefined ? undefined : record.cache.lookup(cacheKey);
    if (cached !== undefined) return cached;
    const link = record.link;
    if (!record.online || link === null || record.session === null) {
      return refusal(target, 'device-offline', `${device} is offline`);
    }
    const session = record.session;
    const commandId = this.registry.nextCommandId();
    const answer = record.pending.send(commandId, link.commandFrame(commandId, request.bytes), session).then((outcome) => {
      switch (outcome.kind) {
        case 'result': {
          const anchor = record.anchor(session);
          const restartAtWall = (uptimeMs: number) => anchor.stamp(uptimeMs, this.registry.wallNowMs()).time;
          return deviceAnswer(target, outcome.result, outcome.rttMs, restartAtWall);
        }
        case 'timeout':
          return timeoutAnswer(target, outcome.timeoutMs);
        case 'interrupted':
          // docs/link-protocol.md §7.4: a session change answers an outstanding REBOOT.
          if (command === 'reboot') return rebootDone(target);
          return interruptedAnswer(target, outcome.oldSession, outcome.newSession);
      }
    });
    if (cacheKey !== undefined) record.cache.remember(cacheKey, answer);
    return answer;
  }
}

/** A REBOOT whose acknowledgement was lost with the reset: the new session is its answer. */
function rebootDone(target: CommandTarget): CommandAnswer {
  return { ...target, result: 'ok', origin: 'runner', status: 'OK', statusCode: 0, cached: false, rttMs: 0 };
}
