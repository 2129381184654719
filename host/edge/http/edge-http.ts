import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { closeServer, listen, urlAuthority } from '../listen.ts';
import type { GatewayView } from '../gateway/messages.ts';
import { OptionError } from '../option-error.ts';
import { summarizeDevices } from './device-summary.ts';

/**
 * The edge's HTTP endpoint (docs/edge.md, "Health and metrics"): GET /healthz for a supervisor or a load balancer,
 * GET /metrics for Prometheus, GET /devices for people and scripts. Read only; HEAD is GET without the body.
 */

/** What the edge reports of itself; called at each GET /healthz. */
export interface EdgeHealth {
  /** The gateway's connection to its MQTT broker is up. */
  brokerConnected: boolean;
  /** Records the outbox holds for its sinks (docs/edge.md, "Overflow policy"); 0 without a cloud tier. */
  backlogRecords: number;
}

export interface EdgeHttpOptions {
  /** Default 127.0.0.1: /devices tells what runs where, so exposing it is a choice. */
  host?: string;
  /** 0: a free port. */
  port: number;
  registry: Registry;
  view: GatewayView;
  health: () => EdgeHealth | Promise<EdgeHealth>;
}

export interface EdgeHttp {
  /** `http://host:port`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** RFC 9110 §15: the status codes answered. */
const HTTP_OK = 200;
const HTTP_NOT_FOUND = 404;
const HTTP_METHOD_NOT_ALLOWED = 405;
const HTTP_INTERNAL_SERVER_ERROR = 500;
const HTTP_SERVICE_UNAVAILABLE = 503;

const ALLOWED_METHODS = ['GET', 'HEAD'];

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

type Route = (options: EdgeHttpOptions) => Promise<Answer>;

const ROUTES: Record<string, Route> = {
  '/healthz': async ({ view, health }) => {
    const { brokerConnected, backlogRecords } = await health();
    const devices = view.devices();
    const body = {
      status: brokerConnected ? 'ok' : 'broker-disconnected',
      edge: view.edgeId,
      edgeSession: view.edgeSession,
      brokerConnected,
      devices: devices.length,
      devicesOnline: devices.filter((device) => device.state?.state === 'online').length,
      backlogRecords,
    };
    return { status: brokerConnected ? HTTP_OK : HTTP_SERVICE_UNAVAILABLE, ...json(body) };
  },
  '/metrics': async ({ registry }) => ({
    status: HTTP_OK,
    contentType: registry.contentType,
    body: await registry.metrics(),
  }),
  '/devices': async ({ view }) => ({
    status: HTTP_OK,
    ...json({ edge: view.edgeId, edgeSession: view.edgeSession, devices: summarizeDevices(view.devices()) }),
  }),
};

export async function startEdgeHttp(options: EdgeHttpOptions): Promise<EdgeHttp> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => {
    void answer(request, response, options);
  });
  const port = await listen(server, host, options.port, 'edge HTTP endpoint');
  return { url: `http://${urlAuthority(host, port)}`, port, close: () => closeServer(server) };
}

async function answer(request: IncomingMessage, response: ServerResponse, options: EdgeHttpOptions): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://edge').pathname;
  const route = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
  if (route === undefined) return send(response, { status: HTTP_NOT_FOUND, ...json({ error: `no ${path} here` }) });
  if (!ALLOWED_METHODS.includes(request.method ?? '')) {
    response.setHeader('Allow', ALLOWED_METHODS.join(', '));
    return send(response, { status: HTTP_METHOD_NOT_ALLOWED, ...json({ error: `${path} takes GET` }) });
  }
  try {
    send(response, await route(options));
  } catch (error) {
    send(response, { status: HTTP_INTERNAL_SERVER_ERROR, ...json({ error: (error as Error).message }) });
  }
}

function json(body: unknown): { contentType: string; body: string } {
  return { contentType: 'application/json; charset=utf-8', body: `${JSON.stringify(body)}\n` };
}

function send(response: ServerResponse, { status, contentType, body }: Answer): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  // Node sends no body for HEAD (RFC 9110 §9.3.2).
  response.end(body);
}

/** `--http [HOST:]PORT` (and `--dashboard`): `9464`, `0.0.0.0:9464`, `[::1]:9464`; the host defaults to loopback. */
export function parseHttpAddress(text: string, option = '--http'): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]:|([^:[\]]+):)?(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65_535) {
    throw new OptionError(option, `expected [HOST:]PORT, e.g. 9464 or 0.0.0.0:9464 (got ${JSON.stringify(text)})`);
  }
  return { host: match[1] ?? match[2] ?? '127.0.0.1', port };
}
