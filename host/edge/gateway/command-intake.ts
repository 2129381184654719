/**
 * docs/mqtt.md §5: commands taken from `wasmote/<edge>/+/cmd/#` (QoS 1, Retain As Published with MQTT 5),
 * refused when retained or malformed or naming a foreign response topic, and answered on the response topic with
 * the request's correlation data, or on `wasmote/<edge>/<device>/result`. `cmd/forget` removes a device (§3.6).
 */
import type { IPublishPacket, MqttClient } from 'mqtt';
import { refusal } from './command-answers.ts';
import type { DeviceCommands } from './device-commands.ts';
import type { EdgePublisher } from './edge-publisher.ts';
import type { CommandAnswer, EdgeStamp, ForgetAnswer } from './messages.ts';
import { commandFilter, deviceLevels, deviceTopic, isResponseTopicFor } from './topics.ts';

/** docs/mqtt.md §3.6: not a device command; the edge forgets the device. */
const FORGET = 'forget';
/** docs/mqtt.md §2: `+` in `wasmote/<edge>/+/cmd/#` matches `$edge`, whose commands the edge itself answers. */
const EDGE_LEVEL = '$edge';

/**
 * A command to the edge itself (docs/mqtt.md §9.3 `alarm-ack`); `retained` as the message came. It resolves with
 * its answer, a JSON object in §5.3's shape, which the intake publishes as it publishes a device command's.
 */
export type EdgeCommandHandler = (payload: Buffer, options: { retained: boolean }) => Promise<object>;

export interface CommandIntakeContext {
  edgeId: string;
  commands: DeviceCommands;
  publisher: EdgePublisher;
  /** False when the edge knows no such device. */
  forget(device: string): boolean;
  /** The handler of `wasmote/<edge>/$edge/cmd/<command>`, if any. */
  edgeCommand(command: string): EdgeCommandHandler | undefined;
  /** docs/mqtt.md §1: answers are the edge's own messages, stamped with its session and counter. */
  stamp(): EdgeStamp;
  /** Each device command's answer, refusals included, as it is published (docs/edge.md, "Health and metrics"). */
  answered?(answer: CommandAnswer | ForgetAnswer): void;
}

/** Subscribes and starts answering; resolves once the subscription is granted. */
export async function takeCommands(client: MqttClient, protocolVersion: 4 | 5, context: CommandIntakeContext): Promise<void> {
  client.on('message', (topic, payload, packet) => handleCommand(topic, payload, packet, context));
  await client.subscribeAsync(commandFilter(context.edgeId), { qos: 1, ...(protocolVersion === 5 ? { rap: true } : {}) });
}

function parsePayload(payload: Buffer): Record<string, unknown> | null {
  if (payload.length === 0) return {};
  try {
    const value: unknown = JSON.parse(payload.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function handleCommand(topic: string, payload: Buffer, packet: IPublishPacket, context: CommandIntakeContext): void {
  const levels = deviceLevels(context.edgeId, topic);
  if (levels === null || levels.rest[0] !== 'cmd' || levels.rest.length < 2) return;
  const { device } = levels;
  const command = levels.rest.slice(1).join('/');
  // The empty retained message that clears a retained command comes back to the edge's own subscription.
  if (packet.retain && payload.length === 0) return;
  if (device === EDGE_LEVEL) {
    handleEdgeCommand(topic, command, payload, packet, context);
    return;
  }
  const defaultTopic = deviceTopic(context.edgeId, device, 'result');
  const correlationData = packet.properties?.correlationData;
  const responseTopic = packet.properties?.responseTopic;
  const parsed = parsePayload(payload);
  const id = typeof parsed?.id === 'string' ? parsed.id : undefined;
  const target = id === undefined ? { device, command } : { device, command, id };
  const answer = (topicForAnswer: string, result: CommandAnswer | ForgetAnswer): void => {
    context.answered?.(result);
    context.publisher.answer(topicForAnswer, { ...result, ...context.stamp() }, correlationData);
  };
  if (packet.retain) {
    context.publisher.clearRetained(topic);
    answer(defaultTopic, refusal(target, 'retained', 'a retained command would run again on every reconnect; it was cleared'));
    return;
  }
  if (responseTopic !== undefined && !isResponseTopicFor(context.edgeId, device, responseTopic)) {
    answer(defaultTopic, refusal(target, 'bad-response-topic', `the response topic must be ${defaultTopic}/<anything>`));
    return;
  }
  const answerTopic = responseTopic ?? defaultTopic;
  if (parsed === null) {
    answer(answerTopic, refusal(target, 'malformed', 'the payload is not a JSON object'));
    return;
  }
  if (command === FORGET) {
    // §3.6: answered as a command is (§5.3), by the edge itself.
    if (context.forget(device)) answer(answerTopic, { ...target, command: FORGET, result: 'ok', origin: 'edge' } satisfies ForgetAnswer);
    else answer(answerTopic, refusal(target, 'unknown-device', `the edge knows no device ${device}`));
    return;
  }
  void context.commands
    .run({ device, command, payload: parsed, ...(correlationData === undefined ? {} : { correlationData }) })
    .then((result) => answer(answerTopic, result));
}

/**
 * docs/mqtt.md §9.3: the edge's own commands, answered as §5.1 answers a device's: on the request's response topic
 * (`wasmote/<edge>/$edge/result/<anything>`) with its correlation data, else on `wasmote/<edge>/$edge/result`. A
 * retained one is cleared here and refused by its handler.
 */
function handleEdgeCommand(topic: string, command: string, payload: Buffer, packet: IPublishPacket, context: CommandIntakeContext): void {
  const handler = context.edgeCommand(command);
  if (packet.retain) context.publisher.clearRetained(topic);
  const defaultTopic = deviceTopic(context.edgeId, EDGE_LEVEL, 'result');
  const correlationData = packet.properties?.correlationData;
  const responseTopic = packet.properties?.responseTopic;
  const answer = (topicForAnswer: string, result: object): void => {
    context.publisher.answer(topicForAnswer, { ...result, ...context.stamp() }, correlationData);
  };
  const parsed = parsePayload(payload);
  const id = typeof parsed?.id === 'string' ? parsed.id : undefined;
  const target = id === undefined ? { device: EDGE_LEVEL, command } : { device: EDGE_LEVEL, command, id };
  if (responseTopic !== undefined && !isResponseTopicFor(context.edgeId, EDGE_LEVEL, responseTopic)) {
    answer(defaultTopic, refusal(target, 'bad-response-topic', `the response topic must be ${defaultTopic}/<anything>`));
    return;
  }
  const answerTopic = responseTopic ?? defaultTopic;
  if (handler === undefined) {
    answer(answerTopic, refusal(target, 'unknown-command', `the edge takes no command ${command}`));
    return;
  }
  void handler(payload, { retained: packet.retain }).then((result) => answer(answerTopic, result));
}
