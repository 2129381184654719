/**
 * `wasmote edge --dashboard` from the command line (docs/dashboard.md): without --demo or --users it runs, prints
 * the dashboard's URL with a drawn token, and the token opens the page and the snapshot; a configured token
 * (--dashboard-token, else WASMOTE_DASHBOARD_TOKEN) is the one printed and required.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { uniqueEdgeId } from '../edge/gateway/support/broker.ts';
import { EdgeChild, within } from '../edge/wiring/support/edge-child.ts';

const DASHBOARD_LINE = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)\n/;
const ENVIRONMENT_TOKEN = 'from-the-environment-0123';

let edge: EdgeChild | undefined;
afterEach(async () => {
  edge?.signal('SIGTERM');
  await within(edge!.exited, 20_000, 'the edge exiting').catch(() => edge?.kill());
  delete process.env.WASMOTE_DASHBOARD_TOKEN;
});

describe('wasmote edge --dashboard', () => {
  it('prints the URL with a drawn token, which opens the page and the snapshot', async () => {
    edge = new EdgeChild(['--sim', '1', '--dashboard', '127.0.0.1:0', '--no-inference', '--edge-id', uniqueEdgeId('cli')]);
    const url = new URL(await edge.line(DASHBOARD_LINE));
    const token = url.searchParams.get('token')!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(edge.output).toContain('other MQTT clients need --users FILE');
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(`${url.origin}/?token=${token}x`)).status).toBe(401);
    expect((await fetch(`${url.origin}/snapshot`)).status).toBe(401);
    const snapshot = await (await fetch(`${url.origin}/snapshot`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(snapshot).toMatchObject({ type: 'snapshot', v: 1, alarms: null });
  }, 60_000);

  it('takes the token from WASMOTE_DASHBOARD_TOKEN, and --dashboard-token over it', async () => {
    process.env.WASMOTE_DASHBOARD_TOKEN = ENVIRONMENT_TOKEN;
    edge = new EdgeChild(['--sim', '1', '--dashboard', '0', '--no-inference', '--edge-id', uniqueEdgeId('cli')]);
    expect(new URL(await edge.line(DASHBOARD_LINE)).searchParams.get('token')).toBe(ENVIRONMENT_TOKEN);
    edge.signal('SIGTERM');
    await within(edge.exited, 20_000, 'the edge exiting');

    edge = new EdgeChild(['--sim', '1', '--dashboard', '0', '--dashboard-token', 'from-the-command-line-0123', '--no-inference', '--edge-id', uniqueEdgeId('cli')]);
    const url = new URL(await edge.line(DASHBOARD_LINE));
    expect(url.searchParams.get('token')).toBe('from-the-command-line-0123');
    expect((await fetch(`${url.origin}/?token=${ENVIRONMENT_TOKEN}`)).status).toBe(401);
  }, 60_000);
});
