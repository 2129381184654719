/**
 * Issue 13: every string from a device, a model or MQTT is text on the page, never markup. A fake device on the
 * link sends markup in each free-text field the link carries (ids and metric names are restricted,
 * docs/link-protocol.md §3.3 and §4.2),
 * and the edge's own messages carry it in a model's and a rule's name; the page must show each literally, create
 * no element from it, run nothing (no dialog) and trip no Content-Security-Policy check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmTopic, scoreTopic } from '../../edge-inference/loop/index.ts';
import { until } from '../edge/gateway/support/harness.ts';
import { testBroker } from '../edge/gateway/support/broker.ts';
import { FakeDevice, FakeLinkSource } from '../edge/gateway/support/fake-device.ts';
import { launchChromium } from './support/browser.ts';
import { startDashboardEdge, type DashboardEdge } from './support/dashboard-edge.ts';

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT_END = '</script><script>alert(2)</script>';
const FIRMWARE = '<b onmouseover=alert(3)>fw</b>';
/** A unit is at most 8 bytes (docs/link-protocol.md §4.2). */
const UNIT = '<script>';
/** Metric names are [a-z0-9_.]{1,24} (§4.2): the gateway drops a metric named with markup. */
const METRIC = 'probe.level';
const LOG = `${SCRIPT_END} then ${IMG}`;
const MODEL = '<iframe src=javascript:alert(5)>';
const RULE = '"><script>alert(6)</script>';
const DEVICE = 'hostile-0000';

let broker: Awaited<ReturnType<typeof testBroker>>;
let source: FakeLinkSource;
let edge: DashboardEdge;
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  broker = await testBroker();
  source = new FakeLinkSource();
  edge = await startDashboardEdge({ brokerUrl: broker.url, sources: [source], name: 'hostile' });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await edge?.stop();
  await broker?.stop();
}, 60_000);

describe('hostile strings on the dashboard', () => {
  it('shows markup from devices, models and alarms as text, and runs none of it', async () => {
    const device = new FakeDevice(source.connect(), DEVICE);
    device.send({
      type: 'hello',
      deviceId: DEVICE,
      linkMinor: 0,
      firmwareVersion: FIRMWARE,
      capabilities: 0,
      board: 'sim',
      appName: 'sensor-node',
      appVersion: IMG,
      appHash: new Uint8Array(32),
      abiVersion: 0x0001_0001,
      bootReason: 0,
      helloReason: 0,
      session: device.session,
      bootCount: 1,
      uptimeMs: 0,
      heartbeatPeriodMs: 5000,
      reportIntervalMs: 1000,
      appState: 0,
      metricCount: 1,
      opcodes: [0x01, 0x02, 0x03],
    });
    device.send({ type: 'metric', id: 0, name: METRIC, unit: UNIT, kind: 0 });
    device.heartbeat(0);
    await until(() => edge.gateway.devices().some((known) => known.device === DEVICE && known.birth !== null), 10_000, 'the birth');

    const page = await browser.context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    // Any markup that became an element with a handler or inline script would trip the policy and land here.
    await page.addInitScript(() => {
      (window as unknown as { violations: string[] }).violations = [];
      document.addEventListener('securitypolicyviolation', (event) => (window as unknown as { violations: string[] }).violations.push(event.violatedDirective));
    });
    await page.goto(`${edge.url}#/device/${DEVICE}`);
    await page.locator('.chart-title', { hasText: UNIT }).waitFor({ timeout: 30_000 });

    // The stream the device view watches: data, a log, an event, a score of a hostile model; then an alarm.
    for (let second = 1; second <= 3; second += 1) device.data(second * 1000, [{ id: 0, value: second }]);
    device.send({ type: 'log', timeMs: 3000, level: 1, text: LOG });
    device.send({ type: 'event', timeMs: 3000, kind: 2, code: 1, message: IMG, file: SCRIPT_END, line: 1, column: 2 });
    const now = new Date().toISOString();
    edge.tap.publish(scoreTopic(edge.gateway.edgeId, DEVICE), { model: MODEL, time: now, fromTime: now, toTime: now, score: 9, threshold: 1, anomalous: true });
    edge.tap.publish(alarmTopic(edge.gateway.edgeId, '7'), { id: '7', device: DEVICE, rule: RULE, model: MODEL, state: 'open', openedAt: now, peakScore: 9, acknowledgedAt: null, clearedAt: null, lastCommandResult: null });

    await page.locator('.log-text', { hasText: LOG }).waitFor({ timeout: 30_000 });
    await page.locator('.event', { hasText: IMG }).waitFor({ timeout: 30_000 });
    await page.locator('.chart-title', { hasText: `anomaly score: ${MODEL}` }).waitFor({ timeout: 30_000 });
    const texts = await page.evaluate(() => ({
      titles: Array.from(document.querySelectorAll('.chart-title')).map((node) => node.firstChild?.textContent),
      facts: document.querySelector('.facts')?.textContent ?? '',
      log: document.querySelector('.log-text')?.textContent,
      event: document.querySelector('.event')?.textContent ?? '',
    }));
    expect(texts.titles).toContain(`${METRIC} (${UNIT})`);
    expect(texts.facts).toContain(`sensor-node ${IMG}`);
    expect(texts.facts).toContain(FIRMWARE);
    expect(texts.log).toBe(LOG);
    expect(texts.event).toContain(`${IMG} at ${SCRIPT_END}:1:2`);

    // The fleet and the alarms show the same strings as text.
    await page.goto(`${edge.url}#/`);
    await page.locator('.fleet-rows .c-fw', { hasText: FIRMWARE }).waitFor({ timeout: 30_000 });
    await expect(page.locator('.fleet-rows .c-app').first().textContent()).resolves.toBe(`sensor-node ${IMG}`);
    await page.goto(`${edge.url}#/alarms`);
    await page.locator('tr.alarm', { hasText: `${RULE} / ${MODEL}` }).waitFor({ timeout: 30_000 });

    const markup = await page.evaluate(() => ({
      elements: document.querySelectorAll('img, svg, iframe, b, main script').length,
      scripts: document.scripts.length,
      violations: (window as unknown as { violations: string[] }).violations,
    }));
    expect(markup).toEqual({ elements: 0, scripts: 1, violations: [] });
    expect(dialogs).toEqual([]);
    await page.close();
  }, 60_000);
});
