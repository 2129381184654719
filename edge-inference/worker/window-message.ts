/**
 * A `window` message (docs/mqtt.md §8) as a model's input: the last `window.length` values of each of the model's
 * metrics, through the same DeviceWindow (scaling, metric order, oldest first) the edge's own loop uses.
 */
import type { WindowMessage } from '../../host/edge/gateway/value-window.ts';
import { DeviceWindow, type ReadyWindow } from '../runtime/device-window.ts';
import type { ModelConfig } from '../runtime/model-config.ts';

/** Where a window message came from: `wasmote/<edge>/<device>/window`. */
export interface WindowSource {
  edge: string;
  device: string;
}

/** The edge and device of a window topic; undefined for any other topic. */
export function windowSource(topic: string): WindowSource | undefined {
  const levels = topic.split('/');
  if (levels.length !== 4 || levels[0] !== 'wasmote' || levels[3] !== 'window') return undefined;
  return { edge: levels[1]!, device: levels[2]! };
}

/** The payload as §8 spells it, or a line saying what is wrong with it. */
export function parseWindowMessage(text: string): WindowMessage | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof json !== 'object' || json === null) return 'not a JSON object';
  const message = json as Partial<WindowMessage>;
  if (typeof message.session !== 'number' || typeof message.seq !== 'number') return 'no session or seq';
  if (typeof message.time !== 'string' || typeof message.uptimeMs !== 'number') return 'no time or uptimeMs';
  if (typeof message.values !== 'object' || message.values === null) return 'no values';
  if (typeof message.times !== 'object' || message.times === null) return 'no times';
  return message as WindowMessage;
}

/** A model's window from one message, and the wall times of its oldest and newest samples. */
export interface MessageWindow {
  window: ReadyWindow;
  fromTime: string;
  toTime: string;
}

/**
 * The window `config` scores from `message`, keyed `key` (it comes back on the ScoredWindow); undefined when the
 * message holds fewer than `window.length` values of one of the model's metrics (too early in the device's run,
 * or a metric the device does not report).
 */
export function messageWindow(message: WindowMessage, config: ModelConfig, key: string): MessageWindow | undefined {
  const length = config.window.length;
  const series = config.metrics.map((metric) => message.values[metric]);
  if (series.some((values) => !Array.isArray(values) || values.length < length)) return undefined;
  const times = message.times[config.metrics[0]!];
  if (!Array.isArray(times) || times.length < length) return undefined;
  const deviceWindow = new DeviceWindow(config, key);
  let window: ReadyWindow | undefined;
  for (let index = 0; index < length; index++) {
    const values: Record<string, number> = {};
    config.metrics.forEach((metric, m) => {
      const metricValues = series[m]!;
      values[metric] = metricValues[metricValues.length - length + index]!;
    });
    // The sample's place in the window stands in for its time: only the order counts here.
    window = deviceWindow.push({ timeMs: index, values });
  }
  if (window === undefined) return undefined;
  return { window, fromTime: times[times.length - length]!, toTime: times[times.length - 1]! };
}
