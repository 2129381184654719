/**
 * The fleet view stays small in the DOM however many devices there are (docs/dashboard.md, "The page"): 400 devices
 * on fake links, only the rows in view (and a few around) exist, scrolling brings the last device into view, the
 * filter narrows the list, and the keyboard moves between rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../edge/gateway/support/harness.ts';
import { testBroker } from '../edge/gateway/support/broker.ts';
import { FakeDevice, FakeLinkSource } from '../edge/gateway/support/fake-device.ts';
import { launchChromium } from './support/browser.ts';
import { startDashboardEdge, type DashboardEdge } from './support/dashboard-edge.ts';

const DEVICES = 400;
const id = (index: number): string => `fleet-${String(index).padStart(4, '0')}`;

let broker: Awaited<ReturnType<typeof testBroker>>;
let edge: DashboardEdge;
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  broker = await testBroker();
  const source = new FakeLinkSource();
  edge = await startDashboardEdge({ brokerUrl: broker.url, sources: [source], name: 'fleet', inference: false });
  for (let index = 0; index < DEVICES; index += 1) {
    const device = new FakeDevice(source.connect(), id(index), 1000 + index);
    device.boot();
    device.heartbeat(0);
  }
  await until(() => edge.gateway.devices().filter((known) => known.state?.state === 'online').length === DEVICES, 30_000, 'every device online');
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await edge?.stop();
  await broker?.stop();
}, 60_000);

describe('the fleet view', () => {
  it('renders only the rows in view of 400 devices, scrolls to the last, and filters', async () => {
    const page = await browser.context.newPage();
    await page.goto(edge.url);
    await page.locator('.summary', { hasText: `${DEVICES} devices: ${DEVICES} online, 0 offline` }).waitFor({ timeout: 30_000 });
    const rowsInDom = () => page.locator('.fleet-rows .fleet-row:not([hidden])').count();
    expect(await rowsInDom()).toBeLessThan(60);
    await expect(page.locator('.fleet-rows .fleet-row:not([hidden]) .c-id').first().textContent()).resolves.toBe(id(0));

    await page.locator('.fleet-rows').evaluate((list) => (list.scrollTop = list.scrollHeight));
    await page.locator('.fleet-rows .c-id', { hasText: id(DEVICES - 1) }).waitFor({ timeout: 10_000 });
    expect(await rowsInDom()).toBeLessThan(60);

    await page.locator('input[type="search"]').fill('fleet-012');
    await page.locator('.summary', { hasText: '10 shown' }).waitFor({ timeout: 10_000 });
    await expect(page.locator('.fleet-rows .fleet-row:not([hidden]) .c-id').allTextContents()).resolves.toEqual(
      Array.from({ length: 10 }, (_, index) => id(120 + index)),
    );
    await page.close();
  }, 60_000);

  it('moves the focus between rows with the arrow keys, End and Home, scrolling the focused row into view', async () => {
    const page = await browser.context.newPage();
    await page.goto(edge.url);
    await page.locator('.summary', { hasText: `${DEVICES} devices` }).waitFor({ timeout: 30_000 });
    const focusedId = () => page.evaluate(() => document.activeElement?.querySelector('.c-id')?.textContent ?? null);
    const focusedInView = () =>
      page.evaluate(() => {
        const row = document.activeElement!.getBoundingClientRect();
        const list = document.querySelector('.fleet-rows')!.getBoundingClientRect();
        return row.top >= list.top && row.bottom <= list.bottom;
      });
    await page.locator('.fleet-rows .fleet-row:not([hidden])').first().focus();
    expect(await focusedId()).toBe(id(0));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await focusedId()).toBe(id(2));
    await page.keyboard.press('ArrowUp');
    expect(await focusedId()).toBe(id(1));
    await page.keyboard.press('End');
    expect(await focusedId()).toBe(id(DEVICES - 1));
    expect(await focusedInView()).toBe(true);
    await page.keyboard.press('PageUp');
    const afterPageUp = await focusedId();
    expect(afterPageUp !== null && afterPageUp < id(DEVICES - 1)).toBe(true);
    expect(await focusedInView()).toBe(true);
    await page.keyboard.press('Home');
    expect(await focusedId()).toBe(id(0));
    expect(await focusedInView()).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForFunction((hash) => location.hash === hash, `#/device/${id(0)}`, { timeout: 10_000 });
    await page.close();
  }, 60_000);
});
