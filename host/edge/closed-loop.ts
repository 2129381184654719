/**
 * The closed loop on the gateway (docs/mqtt.md §9, edge-inference/README.md "The loop"): scores and alarms go out
 * on the edge's JSON connection, stamped by the gateway, and `wasmote/<edge>/$edge/cmd/alarm-ack` comes to it.
 */
import { startEdgeInference, type EdgeInference, type InferenceSetup } from '../../edge-inference/loop/index.ts';
import type { Gateway } from './gateway/gateway.ts';

/** docs/mqtt.md §9.3: the edge's own command. */
const ALARM_ACK_COMMAND = 'alarm-ack';

export async function startClosedLoop(
  gateway: Gateway,
  setup: InferenceSetup,
  options: {
    alarmStorePath: string;
    log?: (line: string) => void;
    /** Called with each score and alarm as it is published: the dashboard's feed (docs/dashboard.md). */
    onPublish?: (topic: string, payload: object | null) => void;
  },
): Promise<EdgeInference> {
  const log = options.log ?? (() => {});
  const inference = await startEdgeInference(gateway, {
    ...setup,
    alarmStorePath: options.alarmStorePath,
    publish: (topic, payload, publishOptions) => {
      options.onPublish?.(topic, payload);
      return gateway.publishEdge(topic, payload, publishOptions);
    },
    readRetained: (filter) => gateway.readRetained(filter),
    holdLinks: (consumer) => gateway.holdLinksFor(consumer),
    log,
  });
  const release = gateway.takeEdgeCommand(ALARM_ACK_COMMAND, async (payload, { retained }) => inference.answerAlarmAck(payload, { retained }));
  return {
    ...inference,
    stop: async () => {
      release();
      await inference.stop();
    },
  };
}
