import type { EdgeInference } from '../../edge-inference/loop/index.ts';
import type { AlarmRecord } from './feed-messages.ts';
import type { AnomalyStateEntry, DashboardAlarms, EdgeMessageListener, EdgeMessages } from './feed-hub.ts';

/**
 * The edge's own messages handed to the dashboard in process: the closed loop calls `publish` with each score and
 * alarm it publishes (host/edge/closed-loop.ts `onPublish`), and the feed listens.
 */
export class EdgeMessageTap implements EdgeMessages {
  private readonly listeners = new Set<EdgeMessageListener>();

  listen(listener: EdgeMessageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  readonly publish = (topic: string, payload: object | null): void => {
    for (const listener of this.listeners) listener(topic, payload);
  };
}

/** The closed loop's alarms as the dashboard reads them: acknowledged as an `alarm-ack` message is (docs/mqtt.md §9.3). */
export function dashboardAlarms(inference: EdgeInference): DashboardAlarms {
  return {
    list: () => inference.alarms() as unknown as AlarmRecord[],
    acknowledge: async (alarm, by, requestId) => inference.answerAlarmAck(JSON.stringify({ alarm, by, id: requestId })),
  };
}

/** The anomaly states (docs/mqtt.md §9.4) the closed loop published before the dashboard started. */
export function dashboardAnomalyStates(inference: EdgeInference): () => AnomalyStateEntry[] {
  return () =>
    inference.anomalyStates().flatMap((result) =>
      result.kind === 'state'
        ? [{ device: result.device, model: result.model, state: result.anomalous ? ('anomalous' as const) : ('normal' as const), since: new Date(result.timeMs).toISOString() }]
        : [],
    );
}
