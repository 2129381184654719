/**
 * A `window` message (docs/mqtt.md §8) as a model's input, and the runtime batching windows completed elsewhere
 * (edge-inference/worker/, issue 11).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WindowMessage } from '../../../host/edge/gateway/value-window.ts';
import { InferenceRuntime, type ScoredWindow } from '../../../edge-inference/runtime/inference-runtime.ts';
import { LoadedModel } from '../../../edge-inference/runtime/loaded-model.ts';
import { parseModelConfig } from '../../../edge-inference/runtime/model-config.ts';
import { messageWindow, parseWindowMessage, windowSource } from '../../../edge-inference/worker/window-message.ts';
import { testModel } from '../../support/onnx-models.ts';

const config = parseModelConfig({
  name: 'sum',
  model: 'sum.onnx',
  metrics: ['a', 'b'],
  window: { length: 3, stride: 1 },
  scaling: { b: { offset: 100, scale: 10 } },
  input: { name: 'windows' },
  output: { kind: 'score', name: 'score', threshold: 20 },
});

const at = (second: number) => `2026-12-04T07:30:0${second}.000Z`;

function message(values: Record<string, number[]>): WindowMessage {
  const times: Record<string, string[]> = {};
  for (const [name, series] of Object.entries(values)) times[name] = series.map((_, index) => at(index + 1));
  return { time: at(Object.values(values)[0]!.length), uptimeMs: 5000, session: 7, seq: 29, size: 5, values, times };
}

describe('a window message as a model window', () => {
  it('takes the last window.length values of each metric, scaled, oldest first, metrics in the config order', () => {
    const found = messageWindow(message({ b: [100, 110, 120, 130, 140], a: [1, 2, 3, 4, 5] }), config, 'k');
    expect(found).toBeDefined();
    expect([...found!.window.values]).toEqual([3, 2, 4, 3, 5, 4]);
    expect(found!.window.deviceId).toBe('k');
    expect(found!.window.heldValues).toBe(0);
    expect(found!.fromTime).toBe(at(3));
    expect(found!.toTime).toBe(at(5));
  });

  it('is too short when a metric has fewer values than the window, or is missing', () => {
    expect(messageWindow(message({ a: [1, 2, 3], b: [100, 110] }), config, 'k')).toBeUndefined();
    expect(messageWindow(message({ a: [1, 2, 3] }), config, 'k')).toBeUndefined();
  });

  it('reads the topic and refuses a payload without its fields', () => {
    expect(windowSource('wasmote/lab/sim-1/window')).toEqual({ edge: 'lab', device: 'sim-1' });
    expect(windowSource('wasmote/lab/sim-1/data')).toBeUndefined();
    expect(parseWindowMessage('{')).toBe('not JSON');
    expect(parseWindowMessage('[1]')).toBe('no session or seq');
    expect(parseWindowMessage('{"session":1,"seq":2,"time":"x"}')).toBe('no time or uptimeMs');
    expect(parseWindowMessage(JSON.stringify(message({ a: [1] })))).toMatchObject({ session: 7, seq: 29 });
  });
});

describe('InferenceRuntime.submit', () => {
  let dir: string;
  let model: LoadedModel;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wasmote-worker-window-'));
    await writeFile(path.join(dir, 'sum.onnx'), testModel({ input: { shape: ['batch', 3, 2] } }));
    model = await LoadedModel.fromConfig(config, path.join(dir, 'sum.onnx'));
  });

  afterAll(async () => {
    await model?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('batches windows of many messages into one run, each coming back under its key', async () => {
    const batches: ScoredWindow[][] = [];
    const runtime = new InferenceRuntime({ models: [model], maxDelayMs: 50, onScores: (scored) => batches.push(scored) });
    runtime.submit('sum', messageWindow(message({ a: [1, 2, 3], b: [100, 100, 100] }), config, 'dev-1:7:29')!.window);
    runtime.submit('sum', messageWindow(message({ a: [0, 0, 1], b: [110, 110, 110] }), config, 'dev-2:7:30')!.window);
    await runtime.close();
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((scored) => [scored.deviceId, scored.kind === 'score' ? scored.score : NaN])).toEqual([
      ['dev-1:7:29', 6],
      ['dev-2:7:30', 4],
    ]);
  });

  it('refuses a window of another size, or for a model it does not run', () => {
    const runtime = new InferenceRuntime({ models: [model], onScores: () => {} });
    const window = messageWindow(message({ a: [1, 2, 3], b: [1, 2, 3] }), config, 'k')!.window;
    expect(() => runtime.submit('other', window)).toThrow("no model 'other'");
    expect(() => runtime.submit('sum', { ...window, values: new Float32Array(2) })).toThrow('takes windows of 6 values, not 2');
  });
});
