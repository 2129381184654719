import { randomBytes } from 'node:crypto';
import type { IClientOptions } from 'mqtt';
import { Registry } from 'prom-client';
import {
  type SparkplugNode,
  type SparkplugNodeOptions,
  startSparkplugNode,
} from '../../../../host/edge/sparkplug/node.ts';
import { ScriptedGateway } from './gateway-fixtures.ts';
import { SparkplugHost } from './sparkplug-host.ts';

/** A group and edge id of the test's own, so tests sharing the machine's broker never see each other. */
export function uniqueIds(): { group: string; edge: string; hostId: string } {
  const tag = randomBytes(4).toString('hex');
  return { group: `wasmote-test-${tag}`, edge: `edge-${tag}`, hostId: `scada-${tag}` };
}

export interface Rig {
  gateway: ScriptedGateway;
  host: SparkplugHost;
  registry: Registry;
  group: string;
  edge: string;
  hostId: string;
  start(options?: Partial<SparkplugNodeOptions>): SparkplugNode;
  /** Stops the node (when started) and the host's client. */
  close(): Promise<void>;
}

/** `hostOptions`: how the host's own client connects (credentials, TLS), when the broker asks for them. */
export async function makeRig(brokerUrl: string, hostOptions: IClientOptions = {}): Promise<Rig> {
  const { group, edge, hostId } = uniqueIds();
  const gateway = new ScriptedGateway(edge);
  const host = await SparkplugHost.connect(brokerUrl, group, hostOptions);
  const registry = new Registry();
  let node: SparkplugNode | undefined;
  return {
    gateway,
    host,
    registry,
    group,
    edge,
    hostId,
    start(options = {}) {
      node = startSparkplugNode(gateway, {
        url: brokerUrl,
        group,
        registry,
        reconnectDelayMs: 100,
        stopTimeoutMs: 1000,
        ...options,
      });
      return node;
    },
    async close() {
      await node?.stop();
      await host.close();
    },
  };
}

/** A counter's value in the rig's registry, 0 when it has none yet. */
export async function counterValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  const sample = metric?.values.find((value) =>
    Object.entries(labels).every(([key, label]) => value.labels[key] === label),
  );
  return sample?.value ?? 0;
}
