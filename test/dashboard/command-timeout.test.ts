/**
 * A control shows the command's real answer, here the gateway's timeout (docs/mqtt.md §5.2: no COMMAND_RESULT in
 * 10 s): a fake device on the link takes the command and never answers; the page says it waits, keeps that
 * control disabled meanwhile, then shows the timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../edge/gateway/support/harness.ts';
import { testBroker } from '../edge/gateway/support/broker.ts';
import { FakeDevice, FakeLinkSource, type FakeLink } from '../edge/gateway/support/fake-device.ts';
import { launchChromium } from './support/browser.ts';
import { startDashboardEdge, type DashboardEdge } from './support/dashboard-edge.ts';

const DEVICE = 'mute-0000';
const HEARTBEAT_EVERY_MS = 2000;

let broker: Awaited<ReturnType<typeof testBroker>>;
let link: FakeLink;
let device: FakeDevice;
let heartbeats: NodeJS.Timeout | undefined;
let edge: DashboardEdge;
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  broker = await testBroker();
  const source = new FakeLinkSource();
  edge = await startDashboardEdge({ brokerUrl: broker.url, sources: [source], name: 'mute', inference: false });
  link = source.connect();
  device = new FakeDevice(link, DEVICE);
  device.boot();
  let uptimeMs = 0;
  device.heartbeat(uptimeMs);
  // It stays online (its heartbeats come) but answers no command.
  heartbeats = setInterval(() => device.heartbeat((uptimeMs += HEARTBEAT_EVERY_MS)), HEARTBEAT_EVERY_MS);
  await until(() => edge.gateway.devices().some((known) => known.device === DEVICE && known.state?.state === 'online'), 10_000, 'the device online');
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  clearInterval(heartbeats);
  await browser?.close();
  await edge?.stop();
  await broker?.stop();
}, 60_000);

describe('a dashboard control', () => {
  it('waits for the device, disabled, then shows the gateway\'s timeout', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${edge.url}#/device/${DEVICE}`);
    const on = page.locator('button.led-mode[data-mode="on"]');
    await page.waitForFunction(() => !(document.querySelector('button.led-mode[data-mode="on"]') as HTMLButtonElement | null)?.disabled, null, { timeout: 30_000 });
    await on.click();
    const result = page.locator('.result[data-control="led"]');
    await result.filter({ hasText: 'sent, waiting for the device…' }).waitFor({ timeout: 10_000 });
    await expect(on.isDisabled()).resolves.toBe(true);
    await until(() => link.commands.length > 0, 10_000, 'the LED command on the link');
    await result.filter({ hasText: /^timeout: / }).waitFor({ timeout: 30_000 });
    await expect(result.getAttribute('class')).resolves.toContain('is-bad');
    await expect(on.isDisabled()).resolves.toBe(false);
    await page.close();
  }, 60_000);
});
