import { request } from 'node:http';
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BirthMessage, GatewayView, StatusMessage } from '../../../host/edge/gateway/messages.ts';
import { type EdgeHealth, type EdgeHttp, parseHttpAddress, startEdgeHttp } from '../../../host/edge/http/edge-http.ts';
import { OptionError } from '../../../host/edge/option-error.ts';

/** A gateway of two devices: sim-1 online with a birth, a status and latest values; sim-2 offline, never born. */
const BIRTH: BirthMessage = {
  device: 'sim-1', edge: 'lab', time: '2026-12-04T07:30:00.000Z', session: 305419896, bootCount: 1,
  bootReason: 'power-on', helloReason: 'boot', board: 'sim', firmware: 'wasmote-sim/2', link: '2.0',
  capabilities: ['reboot'],
  app: { name: 'sensor-node', version: 'sensor-node@1a2b3c4d', hash: '1a2b', abi: '1.1', state: 'running' },
  heartbeatPeriodMs: 5000, offlineAfterMs: 15000, reportIntervalMs: 1000,
  metrics: [
    { id: 0, name: 'tmp102.temperature', unit: 'Cel', kind: 'number', min: -40, max: 125 },
    { id: 4, name: 'sht31.humidity', unit: '%RH', kind: 'number', min: 0, max: 100 },
  ],
  commands: ['led', 'ping'],
};

const STATUS: StatusMessage = {
  time: '2026-12-04T07:30:05.000Z', uptimeMs: 5000, session: 305419896, seq: 41,
  app: { state: 'running', consecutiveFailures: 0, lastFailure: null },
  led: { mode: 'off', periodMs: 0, level: 0 }, brightnessU16: 0, reportIntervalMs: 1000,
  deviceLink: { rxFrames: 3, rxDrops: { crc: 0 }, commandsDropped: 0 },
  edgeLink: {
    framesOk: 812, drops: { crc: 1 }, gaps: 0, duplicates: 0, reorders: 0, late: 0, resets: 0, sessionChanges: 0,
    lastSeen: '2026-12-04T07:30:05.003Z',
  },
};

const view: GatewayView = {
  edgeId: 'lab',
  edgeSession: 2882400018,
  onMessage: () => () => {},
  devices: () => [
    {
      device: 'sim-1',
      birth: BIRTH,
      state: { state: 'online', time: '2026-12-04T07:30:00.000Z', session: 305419896, reason: 'seen', edgeSession: 2882400018 },
      status: STATUS,
      latest: { session: 305419896, values: { 'tmp102.temperature': { value: 21.53, time: '2026-12-04T07:30:01.000Z' } } },
    },
    {
      device: 'sim-2',
      birth: null,
      state: {
        state: 'offline', time: '2026-12-04T07:31:15.000Z', session: 7, reason: 'heartbeat-timeout', edgeSession: 2882400018,
        lastSeen: '2026-12-04T07:31:00.000Z',
      },
      status: null,
      latest: null,
    },
  ],
  command: async (device, command) => ({ device, command, result: 'error', origin: 'edge', error: 'unknown-device', detail: '' }),
};

let health: EdgeHealth = { brokerConnected: true, backlogRecords: 12 };
const registry = new Registry();
const frames = new Counter({ name: 'wasmote_link_frames_total', help: 'Frames.', labelNames: ['reason'], registers: [registry] });
let http: EdgeHttp;

beforeAll(async () => {
  http = await startEdgeHttp({ port: 0, registry, view, health: () => health });
});
afterAll(() => http?.close());

/** One request, bounded in time. */
function fetchFrom(
  path: string,
  method = 'GET',
  baseUrl = http.url,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${baseUrl}${path}`, { method, timeout: 5000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer to ${method} ${path} in 5 s`)));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('GET /healthz', () => {
  it('is 200 with the broker connected', async () => {
    health = { brokerConnected: true, backlogRecords: 12 };
    const response = await fetchFrom('/healthz');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(response.body)).toEqual({
      status: 'ok', edge: 'lab', edgeSession: 2882400018, brokerConnected: true, devices: 2, devicesOnline: 1,
      backlogRecords: 12,
    });
  });

  it('is 503 while the broker connection is down', async () => {
    health = { brokerConnected: false, backlogRecords: 40 };
    const response = await fetchFrom('/healthz');
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body)).toMatchObject({ status: 'broker-disconnected', brokerConnected: false, backlogRecords: 40 });
  });
});

describe('GET /metrics', () => {
  it('is the registry in the Prometheus text format', async () => {
    frames.inc({ reason: 'crc' }, 3);
    const response = await fetchFrom('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(registry.contentType);
    expect(response.body).toContain('# TYPE wasmote_link_frames_total counter');
    expect(response.body).toContain('wasmote_link_frames_total{reason="crc"} 3');
  });
});

describe('GET /devices', () => {
  it('joins birth, state, status and latest per device', async () => {
    const response = await fetchFrom('/devices?format=json');
    expect(response.status).toBe(200);
    const { edge, devices } = JSON.parse(response.body);
    expect(edge).toBe('lab');
    expect(devices).toEqual([
      {
        device: 'sim-1', online: true, stateReason: 'seen', lastSeen: '2026-12-04T07:30:05.003Z', session: 305419896,
        board: 'sim', firmware: 'wasmote-sim/2', link: '2.0', app: BIRTH.app,
        metrics: [
          { id: 0, name: 'tmp102.temperature', unit: 'Cel', kind: 'number', min: -40, max: 125, value: 21.53, time: '2026-12-04T07:30:01.000Z' },
          { id: 4, name: 'sht31.humidity', unit: '%RH', kind: 'number', min: 0, max: 100, value: null, time: null },
        ],
        counters: { deviceLink: STATUS.deviceLink, edgeLink: STATUS.edgeLink },
      },
      {
        device: 'sim-2', online: false, stateReason: 'heartbeat-timeout', lastSeen: '2026-12-04T07:31:00.000Z', session: 7,
        board: null, firmware: null, link: null, app: null, metrics: [], counters: null,
      },
    ]);
  });
});

describe('other requests', () => {
  it.each(['/', '/health', '/devices/sim-1', '/constructor'])('%s is 404', async (path) => {
    expect((await fetchFrom(path)).status).toBe(404);
  });

  it.each(['POST', 'PUT', 'DELETE'])('%s is 405, allowing GET and HEAD', async (method) => {
    const response = await fetchFrom('/healthz', method);
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD');
  });

  it('HEAD answers without a body', async () => {
    health = { brokerConnected: true, backlogRecords: 0 };
    const response = await fetchFrom('/healthz', 'HEAD');
    expect(response.status).toBe(200);
    expect(response.body).toBe('');
  });

  it('a failing health check is 500 with its message', async () => {
    const failing = await startEdgeHttp({
      port: 0, registry, view,
      health: () => {
        throw new Error('outbox closed');
      },
    });
    try {
      const response = await fetchFrom('/healthz', 'GET', failing.url);
      expect(response.status).toBe(500);
      expect(JSON.parse(response.body)).toEqual({ error: 'outbox closed' });
    } finally {
      await failing.close();
    }
  });
});

describe('parseHttpAddress (--http [HOST:]PORT)', () => {
  it.each([
    ['9464', { host: '127.0.0.1', port: 9464 }],
    ['0.0.0.0:9464', { host: '0.0.0.0', port: 9464 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
    ['[::1]:9464', { host: '::1', port: 9464 }],
  ])('%s', (text, address) => {
    expect(parseHttpAddress(text)).toEqual(address);
  });

  it.each(['', 'http://x:1', ':9464', '70000', '::1:9464', 'host:port'])('refuses %j', (text) => {
    expect(() => parseHttpAddress(text)).toThrow(OptionError);
    expect(() => parseHttpAddress(text)).toThrow(/^--http: expected \[HOST:\]PORT/);
  });
});
