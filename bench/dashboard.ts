/**
 * The dashboard under a fleet (issue 13, "Done means"): 1,000 simulated devices reporting at 1 Hz, each on its
 * own TCP link from a `wasmote sim --edge` process, into the gateway, its feed and the page in Debian's Chromium.
 * Over 30 s on the fleet view, then 30 s on one device's view: the longest main-thread task of the page's
 * renderer (Chromium's trace, `toplevel` category), long tasks (PerformanceObserver `longtask`, over 50 ms), the
 * frames the page drew (requestAnimationFrame callbacks per second) and its JS heap after a forced GC at the start
 * and the end of each window (bounded buffers keep it flat). Goals: no task over 50 ms, 50 fps or more, flat heap.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PROJECT_ROOT, BUILT_APPS_DIR } from '../host/build/paths.ts';
import { startDashboard } from '../host/dashboard/dashboard-server.ts';
import { EdgeMessageTap } from '../host/dashboard/edge-message-tap.ts';
import { startGateway } from '../host/edge/gateway/gateway.ts';
import { TcpLinkSource } from '../host/edge/links/tcp-source.ts';
import { Mosquitto, tempDir } from './peers.ts';

const DEVICES = 1000;
const WINDOW_MS = 30_000;
/** Before each window: the page settles (charts filled, first redraws done). */
const WARM_UP_MS = 5000;
const FLEET_READY_MS = 120_000;
const TOKEN = 'bench-dashboard-token-0123456789';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const BYTES_PER_MB = 1024 * 1024;
const round1 = (value: number): number => Math.round(value * 10) / 10;

/** Counts the frames the page draws and the long tasks it runs, until `benchProbe.running` is false. */
const PROBE_SCRIPT = `(() => {
  const probe = { frames: 0, longTasks: [], running: true };
  window.benchProbe = probe;
  new PerformanceObserver((list) => { for (const entry of list.getEntries()) probe.longTasks.push(entry.duration); }).observe({ type: 'longtask' });
  const frame = () => { if (!probe.running) return; probe.frames += 1; requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
})()`;

interface WindowFigures {
  longestTaskMs: number;
  longestTaskCpuMs: number;
  longTasksOver50Ms: number;
  fps: number;
  heapStartMB: number;
  heapEndMB: number;
  dataMessagesPerS: number;
}

export async function benchDashboard(): Promise<Record<string, number>> {
  const dir = tempDir('bench-dashboard');
  const broker = await Mosquitto.start(dir.path);
  const source = new TcpLinkSource({ host: '127.0.0.1', port: 0 }, { maxConnections: DEVICES + 16 });
  const gateway = await startGateway({ broker: { url: broker.url, options: {} }, edgeId: 'bench-dashboard', sources: [source], version: '0.1.0' });
  const dashboard = await startDashboard({ port: 0, token: TOKEN, view: gateway, edgeMessages: new EdgeMessageTap() });
  let dataMessages = 0;
  gateway.onMessage((message) => {
    if (message.kind === 'data') dataMessages += 1;
  });
  const sim = spawn(
    process.execPath,
    [path.join(PROJECT_ROOT, 'bin', 'wasmote.js'), 'sim', '--app', path.join(BUILT_APPS_DIR, 'sensor-node.release.wasm'), '--devices', String(DEVICES),
      '--duration', '600s', '--id-prefix', 'bench', '--quiet', '--edge', `tcp://127.0.0.1:${source.port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let simErrors = '';
  sim.stderr.setEncoding('utf8').on('data', (text: string) => (simErrors = (simErrors + text).slice(-2000)));
  let browser: Browser | undefined;
  try {
    const online = () => gateway.devices().filter((device) => device.state?.state === 'online').length;
    const readyBy = Date.now() + FLEET_READY_MS;
    while (online() < DEVICES) {
      if (Date.now() > readyBy || sim.exitCode !== null) throw new Error(`only ${online()} of ${DEVICES} devices came online: ${simErrors}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    process.stderr.write(`bench: dashboard: ${DEVICES} devices online\n`);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(dashboard.url);
    await page.locator('.summary', { hasText: `${DEVICES} devices` }).waitFor({ timeout: 60_000 });
    const countData = (): number => dataMessages;
    const fleet = await measureWindow(browser, page, countData, 'fleet');

    await page.goto(`${dashboard.url}#/device/bench-0000`);
    await page.waitForFunction(() => Number(document.querySelector('.chart')?.getAttribute('data-points')) > 0, null, { timeout: 60_000 });
    const device = await measureWindow(browser, page, countData, 'device');
    return {
      devices: DEVICES,
      fleetLongestTaskMs: fleet.longestTaskMs,
      fleetLongestTaskCpuMs: fleet.longestTaskCpuMs,
      fleetLongTasksOver50Ms: fleet.longTasksOver50Ms,
      fleetFps: fleet.fps,
      fleetHeapStartMB: fleet.heapStartMB,
      fleetHeapEndMB: fleet.heapEndMB,
      deviceLongestTaskMs: device.longestTaskMs,
      deviceLongestTaskCpuMs: device.longestTaskCpuMs,
      deviceLongTasksOver50Ms: device.longTasksOver50Ms,
      deviceChartFps: device.fps,
      deviceHeapStartMB: device.heapStartMB,
      deviceHeapEndMB: device.heapEndMB,
      dataMessagesPerS: round1((fleet.dataMessagesPerS + device.dataMessagesPerS) / 2),
    };
  } finally {
    await browser?.close();
    sim.kill('SIGKILL');
    await dashboard.close();
    await gateway.stop();
    await broker.stop();
    dir.remove();
  }
}

/** One 30 s window on the page as it is: trace, long tasks, frames and heap. */
async function measureWindow(browser: Browser, page: Page, dataMessages: () => number, name: string): Promise<WindowFigures> {
  await page.waitForTimeout(WARM_UP_MS);
  const cdp = await page.context().newCDPSession(page);
  const heapMB = async (): Promise<number> => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    return round1(usedSize / BYTES_PER_MB);
  };
  const heapStartMB = await heapMB();
  // As text: the bench runs under tsx, whose transform adds functions (__name) the page does not have.
  await page.evaluate(PROBE_SCRIPT);
  await browser.startTracing(page, { categories: ['toplevel', '__metadata'] });
  const dataBefore = dataMessages();
  const startedMs = performance.now();
  process.stderr.write(`bench: dashboard: ${name} view, ${WINDOW_MS / 1000} s\n`);
  await page.waitForTimeout(WINDOW_MS);
  const probe = (await page.evaluate('(() => { benchProbe.running = false; return { frames: benchProbe.frames, longTasks: benchProbe.longTasks }; })()')) as {
    frames: number;
    longTasks: number[];
  };
  const elapsedS = (performance.now() - startedMs) / 1000;
  const dataMessagesPerS = (dataMessages() - dataBefore) / elapsedS;
  const trace = await browser.stopTracing();
  const heapEndMB = await heapMB();
  await cdp.detach();
  const longest = longestRendererTask(trace);
  return {
    longestTaskMs: round1(longest.wallMs),
    longestTaskCpuMs: round1(longest.cpuMs),
    longTasksOver50Ms: probe.longTasks.length,
    fps: round1(probe.frames / elapsedS),
    heapStartMB,
    heapEndMB,
    dataMessagesPerS,
  };
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  /** The thread's CPU time within the event, when Chromium records it. */
  tdur?: number;
  args?: { name?: string };
}

/**
 * The longest task on a renderer's main thread (the page's: the one that ran the most tasks), in ms of wall time,
 * and the CPU time of the longest by CPU: on a busy machine a task's wall time also counts the time the thread
 * waited for a core.
 */
function longestRendererTask(trace: Buffer): { wallMs: number; cpuMs: number } {
  const { traceEvents } = JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] };
  const mainThreads = new Set(
    traceEvents.filter((event) => event.ph === 'M' && event.name === 'thread_name' && event.args?.name === 'CrRendererMain').map((event) => `${event.pid}:${event.tid}`),
  );
  const byThread = new Map<string, TraceEvent[]>();
  for (const event of traceEvents) {
    const thread = `${event.pid}:${event.tid}`;
    if (event.ph !== 'X' || event.dur === undefined || !mainThreads.has(thread) || !event.name.endsWith('RunTask')) continue;
    const tasks = byThread.get(thread) ?? [];
    tasks.push(event);
    byThread.set(thread, tasks);
  }
  const busiest = [...byThread.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  const US_PER_MS = 1000;
  return {
    wallMs: busiest.reduce((longest, task) => Math.max(longest, task.dur!), 0) / US_PER_MS,
    cpuMs: busiest.reduce((longest, task) => Math.max(longest, task.tdur ?? Number.NaN), 0) / US_PER_MS,
  };
}
