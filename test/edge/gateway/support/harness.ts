import { ManualClock } from '../../../../host/flash/clock.ts';
import { startGateway, type Gateway, type GatewayOptions } from '../../../../host/edge/gateway/gateway.ts';
import { FakeLinkSource } from './fake-device.ts';
import { uniqueEdgeId, Watcher } from './broker.ts';

/** docs/mqtt.md's examples start at this wall time. */
export const DOC_START_MS = Date.parse('2026-12-04T07:30:00.000Z');

export interface Harness {
  gateway: Gateway;
  watcher: Watcher;
  clock: ManualClock;
  source: FakeLinkSource;
  edgeId: string;
  close(): Promise<void>;
}

/**
 * A gateway on the test broker with a fake link source and a manual clock whose time is also the wall clock's
 * (DOC_START_MS + clock), and a watcher subscribed before it starts.
 */
export async function startHarness(url: string, name: string, options: Partial<GatewayOptions> = {}): Promise<Harness> {
  const edgeId = uniqueEdgeId(name);
  const clock = new ManualClock();
  const source = new FakeLinkSource();
  const watcher = await Watcher.start(url, edgeId);
  const gateway = await startGateway({
    broker: { url, options: {} },
    edgeId,
    sources: [source],
    version: '0.1.0',
    clock,
    wallNowMs: () => DOC_START_MS + clock.nowMs(),
    ...options,
  });
  return {
    gateway,
    watcher,
    clock,
    source,
    edgeId,
    async close() {
      await gateway.stop();
      await watcher.close();
    },
  };
}

/** Lets the event loop deliver what is in flight (MQTT packets, promise callbacks). */
export function settle(ms = 20): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` until it holds; fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 10_000, what = 'the condition'): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await settle(10);
  }
}
