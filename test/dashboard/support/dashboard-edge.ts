import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ALARM_STORE_FILE_NAME, loadInferenceSetup, type EdgeInference, type InferenceSetup } from '../../../edge-inference/loop/index.ts';
import { startDashboard, type Dashboard } from '../../../host/dashboard/dashboard-server.ts';
import { dashboardAlarms, dashboardAnomalyStates, EdgeMessageTap } from '../../../host/dashboard/edge-message-tap.ts';
import { startClosedLoop } from '../../../host/edge/closed-loop.ts';
import { startGateway, type Gateway } from '../../../host/edge/gateway/gateway.ts';
import type { LinkSource } from '../../../host/edge/links/link.ts';
import { clearRetainedTree, uniqueEdgeId } from '../../edge/gateway/support/broker.ts';

/** A token as a person would configure one: the tests know it, the page gets it in its URL. */
export const TEST_TOKEN = 'dashboard-test-token-0123456789';

export interface DashboardEdge {
  gateway: Gateway;
  inference: EdgeInference | undefined;
  dashboard: Dashboard;
  tap: EdgeMessageTap;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** The page's URL with the token. */
  url: string;
  stop(): Promise<void>;
}

/**
 * `wasmote edge --dashboard` in the test's process, wired as the CLI wires it: the gateway on `brokerUrl` with
 * `sources`, the closed loop (unless `inference: false`) with its scores and alarms tapped for the feed, and the
 * dashboard on a free loopback port.
 */
export async function startDashboardEdge(options: {
  brokerUrl: string;
  sources: LinkSource[];
  name: string;
  inference?: boolean;
  flushIntervalMs?: number;
}): Promise<DashboardEdge> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'wasmote-dashboard-'));
  const edgeId = uniqueEdgeId(options.name);
  const gateway = await startGateway({ broker: { url: options.brokerUrl, options: {} }, edgeId, sources: options.sources, version: '0.1.0' });
  const tap = new EdgeMessageTap();
  let setup: InferenceSetup | undefined;
  let inference: EdgeInference | undefined;
  if (options.inference !== false) {
    setup = await loadInferenceSetup({});
    inference = await startClosedLoop(gateway, setup, { alarmStorePath: path.join(scratch, ALARM_STORE_FILE_NAME), onPublish: tap.publish });
  }
  const dashboard = await startDashboard({
    port: 0,
    token: TEST_TOKEN,
    view: gateway,
    edgeMessages: tap,
    ...(inference === undefined ? {} : { alarms: dashboardAlarms(inference), anomalyStates: dashboardAnomalyStates(inference) }),
    ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
  });
  return {
    gateway,
    inference,
    dashboard,
    tap,
    base: `http://127.0.0.1:${dashboard.port}`,
    url: dashboard.url,
    async stop() {
      await dashboard.close();
      await gateway.stop({ beforeOffline: async () => inference?.stop() });
      await Promise.all(setup?.models.map((model) => model.close()) ?? []);
      await clearRetainedTree(options.brokerUrl, edgeId);
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
