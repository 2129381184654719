/**
 * Issue 11, docs/mqtt.md §8: an edge publishing `window` messages with --data-qos 1, and `wasmote worker`
 * processes in one group on a real Mosquitto. Every window is scored once across the workers, each takes a
 * share, a worker that stops hands its share to the others, and a worker's score is the model's own for the
 * window's values. A worker killed outright loses what the broker had handed it; the others take the rest.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../host/build/paths.ts';
import { startGateway, type Gateway } from '../../../host/edge/gateway/gateway.ts';
import { SimLinkSource } from '../../../host/edge/links/sim-source.ts';
import type { WallClock } from '../../../host/sim/clock.ts';
import { parseScenario } from '../../../host/sim/scenario.ts';
import { LoadedModel } from '../../../edge-inference/runtime/loaded-model.ts';
import { sensorNode } from '../../support/sim-run.ts';
import { testBroker, uniqueEdgeId, Watcher, type Seen } from '../gateway/support/broker.ts';
import { until } from '../gateway/support/harness.ts';

const WASMOTE = fileURLToPath(new URL('../links/support/wasmote-from-source.ts', import.meta.url));
const MODEL_CONFIG = path.join(PROJECT_ROOT, 'edge-inference', 'models', 'sensor-node-anomaly.json');
/** The shipped detector's window (its config's window.length). */
const WINDOW_LENGTH = 8;
const DEVICES = 6;
/** The simulated fleet runs this many times faster than real time, so windows come at 18 per second. */
const SPEED = 3;
const WORKERS = 3;

const fastWallClock: WallClock = {
  nowMs: () => performance.now() * SPEED,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / SPEED)),
};

interface WorkerProcess {
  id: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** `wasmote worker` from the sources; resolves once it has subscribed (its start-up line). */
async function startWorker(url: string, edgeId: string, group: string, id: string): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', WASMOTE, 'worker', '--broker', url, '--edge', edgeId, '--group', group, '--client-id', id],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const worker = { id, child, output: () => output, exited };
  await until(() => output.includes(`wasmote worker '${id}'`) || child.exitCode !== null, 45_000, `worker ${id} to start`).catch((error: Error) => {
    throw new Error(`${error.message}\n${output}`);
  });
  if (child.exitCode !== null) throw new Error(`worker ${id} exited: ${output}`);
  return worker;
}

/** `<device>:<session>:<seq>`: the key of a window message, and of the scores of it. */
function keyOf(seen: Seen): string {
  const device = seen.topic.split('/')[2];
  return `${device}:${seen.json.session}:${seen.json.seq}`;
}

let broker: Awaited<ReturnType<typeof testBroker>>;
let watcher: Watcher;
let gateway: Gateway | undefined;
let workers: WorkerProcess[] = [];
let workerIds: string[];
let metrics: string[];

/** Window messages that hold a whole window of every metric the model reads. */
function fullWindows(): Seen[] {
  return watcher.seen.filter(
    (seen) => seen.topic.endsWith('/window') && metrics.every((metric) => (seen.json.values[metric]?.length ?? 0) >= WINDOW_LENGTH),
  );
}

/** Scores from this test's workers (a worker of another group on the same broker may score these windows too). */
function ourScores(): Seen[] {
  return watcher.seen.filter((seen) => seen.topic.endsWith('/score') && workerIds.includes(seen.json.worker));
}

function scoresByKey(): Map<string, Seen[]> {
  const byKey = new Map<string, Seen[]>();
  for (const score of ourScores()) byKey.set(keyOf(score), [...(byKey.get(keyOf(score)) ?? []), score]);
  return byKey;
}

beforeAll(async () => {
  broker = await testBroker();
  const config = (await import(MODEL_CONFIG, { with: { type: 'json' } })).default as { metrics: string[] };
  metrics = config.metrics;
  const edgeId = uniqueEdgeId('scale');
  const group = `g-${randomBytes(3).toString('hex')}`;
  workerIds = Array.from({ length: WORKERS }, (_, index) => `${edgeId}-w${index}`);
  workers = await Promise.all(workerIds.map((id) => startWorker(broker.url, edgeId, group, id)));
  watcher = await Watcher.start(broker.url, edgeId);
  const source = new SimLinkSource({
    app: await sensorNode(),
    scenario: parseScenario({}),
    deviceCount: DEVICES,
    seed: 7,
    idPrefix: 'so',
    wallClock: fastWallClock,
  });
  gateway = await startGateway({ broker: { url: broker.url, options: {} }, edgeId, sources: [source], version: '0.1.0', dataWindow: WINDOW_LENGTH, dataQos: 1 });
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
  await watcher?.close();
  await broker?.stop();
});

describe('wasmote worker: a group sharing the window messages', () => {
  it('scores every whole window exactly once across three workers, each taking a share', async () => {
    await until(() => fullWindows().length >= 90, 40_000, '90 whole windows');
    const windows = fullWindows();
    await until(() => windows.every((window) => scoresByKey().has(keyOf(window))), 20_000, 'a score for each window');

    const byKey = scoresByKey();
    const twice = [...byKey].filter(([, scores]) => scores.length > 1).map(([key]) => key);
    expect(twice).toEqual([]);
    const shares = workerIds.map((id) => windows.filter((window) => byKey.get(keyOf(window))![0]!.json.worker === id).length);
    // Mosquitto hands a group's messages round-robin: each of three gets about a third.
    for (const share of shares) expect(share).toBeGreaterThanOrEqual(windows.length * 0.1);
    // A window too short for the model is not scored.
    const short = watcher.seen.filter((seen) => seen.topic.endsWith('/window') && !windows.includes(seen) && seen.json.values['tmp102.temperature'].length < WINDOW_LENGTH);
    expect(short.length).toBeGreaterThan(0);
    for (const window of short) expect(byKey.has(keyOf(window))).toBe(false);
  }, 60_000);

  it('a score is the model run in process on the same values, within 1e-6', async () => {
    const model = await LoadedModel.fromConfigFile(MODEL_CONFIG);
    try {
      const window = fullWindows()[0]!;
      const score = scoresByKey().get(keyOf(window))![0]!.json;
      // A second path to the input: [1, window, metrics], oldest first, each value (value − offset) / scale.
      const { scaling } = model.config;
      const input = new Float32Array(WINDOW_LENGTH * metrics.length);
      for (let t = 0; t < WINDOW_LENGTH; t++) {
        metrics.forEach((metric, m) => {
          const values: number[] = window.json.values[metric];
          const value = values[values.length - WINDOW_LENGTH + t]!;
          input[t * metrics.length + m] = (value - (scaling[metric]?.offset ?? 0)) / (scaling[metric]?.scale ?? 1);
        });
      }
      const [verdict] = await model.score(input, 1);
      expect(verdict!.kind).toBe('score');
      expect(Math.abs((verdict as { score: number }).score - score.score)).toBeLessThan(1e-6);
      const times: string[] = window.json.times['tmp102.temperature'];
      expect(score).toMatchObject({
        model: 'sensor-node-anomaly',
        session: window.json.session,
        seq: window.json.seq,
        time: window.json.time,
        uptimeMs: window.json.uptimeMs,
        fromTime: times[times.length - WINDOW_LENGTH],
        toTime: times[times.length - 1],
        threshold: model.config.output.kind === 'score' ? model.config.output.threshold : null,
        anomalous: (verdict as { anomalous: boolean }).anomalous,
        anomalousWhen: 'above',
        metrics: model.config.metrics,
        modelVersion: model.version,
        heldValues: 0,
      });
      expect(workerIds).toContain(score.worker);
      expect(score.source).toBe(`worker/${score.worker}`);
    } finally {
      await model.close();
    }
  });

  it('a worker stopped mid-run scores what it took; the others take its share, still each window once', async () => {
    const [stopped, ...staying] = workers;
    stopped!.child.kill('SIGTERM');
    expect(await stopped!.exited).toBe(0);
    expect(stopped!.output()).toMatch(/SIGTERM: closing[\s\S]*window messages, \d+ windows scored/);
    const stoppedAt = fullWindows().length;
    await until(() => fullWindows().length >= stoppedAt + 60, 30_000, '60 more whole windows');
    const windows = fullWindows();
    await until(() => windows.every((window) => scoresByKey().has(keyOf(window))), 20_000, 'a score for each window');

    const byKey = scoresByKey();
    expect([...byKey].filter(([, scores]) => scores.length > 1).map(([key]) => key)).toEqual([]);
    const after = windows.slice(stoppedAt + 5).map((window) => byKey.get(keyOf(window))![0]!.json.worker);
    expect(after).not.toContain(stopped!.id);
    for (const worker of staying) {
      expect(after.filter((id) => id === worker.id).length).toBeGreaterThanOrEqual(after.length * 0.2);
    }
    // Its own count of what it scored is what the others saw from it.
    const scoredLine = /(\d+) windows scored/.exec(stopped!.output())!;
    expect(ourScores().filter((score) => score.json.worker === stopped!.id)).toHaveLength(Number(scoredLine[1]));
  }, 60_000);

  it('a worker killed mid-run: the last one takes every window from then on', async () => {
    const [, killed, last] = workers;
    killed!.child.kill('SIGKILL');
    await killed!.exited;
    // What the broker had handed to the killed worker's clean session is gone with it; what comes after is not.
    const killedAt = fullWindows().length;
    await until(() => fullWindows().length >= killedAt + 50, 30_000, '50 more whole windows');
    await gateway!.stop();
    const windows = fullWindows().slice(killedAt + 10);
    await until(() => windows.every((window) => scoresByKey().has(keyOf(window))), 20_000, 'a score for each window');
    const byKey = scoresByKey();
    expect([...byKey].filter(([, scores]) => scores.length > 1).map(([key]) => key)).toEqual([]);
    expect(new Set(windows.map((window) => byKey.get(keyOf(window))![0]!.json.worker))).toEqual(new Set([last!.id]));
  }, 60_000);
});
