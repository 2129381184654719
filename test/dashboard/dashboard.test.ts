/**
 * Issue 13 end to end in Debian's Chromium: the edge with three simulated devices (a hot spot on device 1) serves
 * the dashboard; the page shows the fleet, a device's chart receives new points, its LED control drives the
 * simulated board's LED pin and follows the state the device reports, an alarm acknowledged on the page stays
 * acknowledged after a reload, the interval and brightness controls answered and reported, a device's controls
 * disabled while it is offline; without the token the page and its feed refuse.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { BrowserContext, Page } from 'playwright-core';
import { SimLinkSource } from '../../host/edge/links/sim-source.ts';
import { LED_PIN } from '../../host/sim/sim-board.ts';
import { parseScenario } from '../../host/sim/scenario.ts';
import { until } from '../edge/gateway/support/harness.ts';
import { testBroker } from '../edge/gateway/support/broker.ts';
import { sensorNode } from '../support/sim-run.ts';
import { artifactPath, launchChromium } from './support/browser.ts';
import { startDashboardEdge, TEST_TOKEN, type DashboardEdge } from './support/dashboard-edge.ts';

const ANOMALOUS_DEVICE = 1;
/** demo-anomaly.json's heater, from the first seconds so the detector opens an alarm while the tests run. */
const EARLY_HOT_SPOT = {
  name: 'demo-anomaly with the hot spot from 2 s',
  faults: [{ kind: 'out-of-range', quantity: 'temperatureC', value: 30, fromS: 2, toS: 600, devices: [ANOMALOUS_DEVICE] }],
};
const WAIT_MS = 30_000;

let broker: Awaited<ReturnType<typeof testBroker>>;
let source: SimLinkSource;
let edge: DashboardEdge;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;

beforeAll(async () => {
  broker = await testBroker();
  source = new SimLinkSource({ app: await sensorNode(), scenario: parseScenario(EARLY_HOT_SPOT), deviceCount: 3, seed: 1, idPrefix: 'dash' });
  edge = await startDashboardEdge({ brokerUrl: broker.url, sources: [source], name: 'dash' });
  browser = await launchChromium();
  context = browser.context;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await edge?.stop();
  await broker?.stop();
}, 60_000);

/** A page that fails the test on any dialog (alert, confirm) or uncaught error. */
async function openPage(): Promise<{ page: Page; dialogs: string[]; errors: string[] }> {
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, dialogs, errors };
}

/** Opens the feed as a browser would; resolves with the HTTP status of a refusal, or 101 when it opened. */
function feedStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

describe('the dashboard in Chromium', () => {
  it('refuses the page and the feed without the token', async () => {
    const wrong = await fetch(`${edge.base}/?token=not-the-token-at-all`);
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('main.js');
    // No token: a form asking for it, with no script and nothing of the edge.
    const bare = await fetch(`${edge.base}/`);
    const form = await bare.text();
    expect(form).toContain('<input name="token"');
    expect(form).not.toMatch(/<script|dash-000/);
    expect(bare.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${edge.base}/snapshot`)).status).toBe(401);
    expect((await fetch(`${edge.base}/snapshot`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);

    const feed = `ws://127.0.0.1:${edge.dashboard.port}/feed`;
    expect(await feedStatus(feed)).toBe(401);
    expect(await feedStatus(`${feed}?token=wrong`)).toBe(401);
    // The right token from another site's page (RFC 6455 §10.2): refused too.
    expect(await feedStatus(`${feed}?token=${TEST_TOKEN}`, { Origin: 'http://evil.example' })).toBe(403);
    expect(await feedStatus(`${feed}?token=${TEST_TOKEN}`, { Origin: edge.base })).toBe(101);

    // And the browser, which sees the refusal too.
    const { page } = await openPage();
    const response = await page.goto(`${edge.base}/?token=wrong-token-wrong-token`);
    expect(response?.status()).toBe(401);
    await expect(page.locator('[role="alert"]').textContent()).resolves.toContain('not this dashboard');
    await page.close();
  }, 60_000);

  it('shows the fleet, charts new points of a device, and drives its LED from the control to the pin and back', async () => {
    const { page, dialogs, errors } = await openPage();
    const response = await page.goto(edge.url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    const rows = page.locator('.fleet-rows .fleet-row:not([hidden])');
    await page.waitForFunction(() => document.querySelectorAll('.fleet-rows .fleet-row:not([hidden]) .is-online').length === 3, null, { timeout: WAIT_MS });
    await expect(rows.locator('.c-id').allTextContents()).resolves.toEqual(source.deviceIds);
    await page.locator('.summary', { hasText: '3 devices: 3 online' }).waitFor({ timeout: WAIT_MS });
    // The screenshot once every row has its link counters (the first heartbeat) and a sparkline to show.
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.fleet-rows .c-link')).filter((cell) => /^\d+ \/ \d+$/.test(cell.textContent ?? '')).length === 3, null, { timeout: WAIT_MS });
    await page.screenshot({ path: artifactPath('fleet.png') });

    // Device 0, by keyboard: its row is a link.
    const target = source.deviceIds[0]!;
    await rows.filter({ hasText: target }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`**#/device/${target}`);
    const chart = page.locator('.chart[data-metric="tmp102.temperature"]');
    await chart.locator('.chart-title', { hasText: '(Cel)' }).waitFor({ timeout: WAIT_MS });
    await page.waitForFunction(() => Number(document.querySelector('.chart[data-metric="tmp102.temperature"]')?.getAttribute('data-points')) > 0, null, { timeout: WAIT_MS });
    const before = Number(await chart.getAttribute('data-newest'));
    // New points arrive while the page is open (the device reports at 1 Hz).
    await page.waitForFunction(
      (newest) => Number(document.querySelector('.chart[data-metric="tmp102.temperature"]')?.getAttribute('data-newest')) >= newest + 2,
      before,
      { timeout: WAIT_MS },
    );

    // The LED: off as the device reports it, then on from the page.
    const board = source.devices[0]!.board;
    await page.locator('.reported[data-control="led"]', { hasText: 'reported: off' }).waitFor({ timeout: WAIT_MS });
    expect(board.gpio.level(LED_PIN)).toBe(0);
    await page.locator('button.led-mode[data-mode="on"]').click();
    await until(() => board.gpio.level(LED_PIN) === 1, WAIT_MS, 'the LED pin high');
    await page.locator('.result[data-control="led"]', { hasText: /^ok in \d+ ms$/ }).waitFor({ timeout: WAIT_MS });
    // The control follows the device's next heartbeat, not the click.
    await page.locator('.reported[data-control="led"]', { hasText: 'reported: on, pin high' }).waitFor({ timeout: WAIT_MS });
    await expect(page.locator('button.led-mode[data-mode="on"]').getAttribute('aria-pressed')).resolves.toBe('true');
    await expect(page.locator('button.led-mode[data-mode="off"]').getAttribute('aria-pressed')).resolves.toBe('false');
    await page.screenshot({ path: artifactPath('device.png'), fullPage: true });

    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('acknowledges an alarm, and a reload shows it still acknowledged', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${edge.url}#/alarms`);
    const anomalous = source.deviceIds[ANOMALOUS_DEVICE]!;
    const openRow = page.locator('tr.alarm.state-open', { hasText: anomalous });
    await openRow.first().waitFor({ timeout: 50_000 });
    const alarmId = (await openRow.first().getAttribute('data-alarm'))!;
    await page.screenshot({ path: artifactPath('alarms.png') });
    await page.locator(`button.ack[data-alarm="${alarmId}"]`).click();
    const row = page.locator(`tr.alarm[data-alarm="${alarmId}"]`);
    await row.locator('.alarm-state', { hasText: 'acknowledged' }).waitFor({ timeout: WAIT_MS });
    // Kept by the edge, so it answers the same through its own API.
    expect(edge.inference!.alarms().find((alarm) => alarm.id === alarmId)).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'dashboard' });

    await page.reload();
    await row.locator('.alarm-state', { hasText: 'acknowledged' }).waitFor({ timeout: WAIT_MS });
    await expect(page.locator(`button.ack[data-alarm="${alarmId}"]`).count()).resolves.toBe(0);
    // Acknowledged is still active: the fleet's badge counts it on that device alone.
    await page.goto(`${edge.url}#/`);
    await page.locator('.fleet-row', { hasText: anomalous }).locator('.c-anomaly', { hasText: '1 alarm' }).waitFor({ timeout: WAIT_MS });
    await expect(page.locator('.fleet-row', { hasText: source.deviceIds[0]! }).locator('.c-anomaly').textContent()).resolves.not.toContain('alarm');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('sets the report interval and brightness, shown as reported, and disables the controls while offline', async () => {
    const { page, errors } = await openPage();
    const target = source.deviceIds[2]!;
    await page.goto(`${edge.url}#/device/${target}`);
    const buttons = page.locator('.controls button');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.controls button')).every((button) => !(button as HTMLButtonElement).disabled), null, { timeout: WAIT_MS });
    expect(await buttons.count()).toBe(5);
    // Report interval and brightness: the answer, then what the next heartbeat reports.
    await page.locator('input[aria-label="Report interval in ms"]').fill('2000');
    await page.locator('.control', { hasText: 'Report interval' }).locator('button').click();
    await page.locator('.result[data-control="interval"]', { hasText: /^ok in \d+ ms$/ }).waitFor({ timeout: WAIT_MS });
    await page.locator('input[aria-label="Brightness in percent"]').fill('50');
    await page.locator('.control', { hasText: 'Brightness' }).locator('button').click();
    await page.locator('.result[data-control="brightness"]', { hasText: /^ok in \d+ ms$/ }).waitFor({ timeout: WAIT_MS });
    await page.locator('.reported[data-control="interval"]', { hasText: 'reported: 2000 ms' }).waitFor({ timeout: WAIT_MS });
    await page.locator('.reported[data-control="brightness"]', { hasText: 'reported: 50 %' }).waitFor({ timeout: WAIT_MS });
    // The cable comes out: the edge publishes it offline (docs/mqtt.md §3.3, link-closed).
    await source.unplug(2);
    await page.locator('.badge', { hasText: 'offline (link-closed)' }).waitFor({ timeout: WAIT_MS });
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.controls button, .controls input')).every((control) => (control as HTMLInputElement).disabled), null, { timeout: WAIT_MS });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
