import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { PROJECT_ROOT } from '../build/paths.ts';
import { closeServer, listen, urlAuthority } from '../edge/listen.ts';
import { requestToken, tokenMatches } from './access-token.ts';
import { FeedHub, type FeedHubOptions } from './feed-hub.ts';
import { signInPage } from './sign-in-page.ts';

/**
 * The dashboard (docs/dashboard.md): the page, its static assets, and the feed on a WebSocket at /feed, served by
 * the edge host. The page and the feed need the access token; the assets are the page's code and styles, the same
 * for every edge, and hold no data. Nothing the page loads comes from anywhere else.
 */

export interface DashboardOptions extends Omit<FeedHubOptions, 'log'> {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0: a free port. */
  port: number;
  token: string;
  log?: (line: string) => void;
}

export interface Dashboard {
  /** `http://host:port/?token=…`: what a person opens. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** RFC 9110 §15. */
const HTTP_OK = 200;
const HTTP_BAD_REQUEST = 400;
const HTTP_UNAUTHORIZED = 401;
const HTTP_FORBIDDEN = 403;
const HTTP_NOT_FOUND = 404;
const HTTP_METHOD_NOT_ALLOWED = 405;

/** The page runs only its own scripts, loads only its own styles and images, and talks only to its own origin. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  // The token is in the page's URL: it must not travel on in a Referer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** A page message is small: a watch, a command or an acknowledgement. */
const MAX_PAGE_MESSAGE_BYTES = 16 * 1024;
export const FEED_PATH = '/feed';
/** The feed's snapshot over plain HTTP: the page's first paint, before its WebSocket is up. */
export const SNAPSHOT_PATH = '/snapshot';

/** The page's files, read once at start: the shell and everything under /assets/. */
function readAssets(): { shell: Buffer; assets: Map<string, { type: string; body: Buffer }> } {
  const pageDir = path.join(PROJECT_ROOT, 'host', 'dashboard', 'page');
  const assets = new Map<string, { type: string; body: Buffer }>();
  for (const name of readdirSync(pageDir)) {
    const type = CONTENT_TYPES[path.extname(name)];
    if (type !== undefined && name !== 'index.html') assets.set(`/assets/${name}`, { type, body: readFileSync(path.join(pageDir, name)) });
  }
  // uPlot from its npm package, served as the page's own file.
  const require = createRequire(import.meta.url);
  const uplotDir = path.dirname(require.resolve('uplot/dist/uPlot.esm.js'));
  assets.set('/assets/vendor/uPlot.esm.js', { type: CONTENT_TYPES['.js']!, body: readFileSync(path.join(uplotDir, 'uPlot.esm.js')) });
  assets.set('/assets/vendor/uPlot.min.css', { type: CONTENT_TYPES['.css']!, body: readFileSync(path.join(uplotDir, 'uPlot.min.css')) });
  return { shell: readFileSync(path.join(pageDir, 'index.html')), assets };
}

export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const { shell, assets } = readAssets();
  const hub = new FeedHub({ ...options, log });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_PAGE_MESSAGE_BYTES, perMessageDeflate: false });

  const server = createServer((request, response) => {
    const url = requestUrl(request);
    if (url === null) {
      response.writeHead(HTTP_BAD_REQUEST, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('not a URL\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(HTTP_METHOD_NOT_ALLOWED, { ...SECURITY_HEADERS, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('the dashboard takes GET\n');
      return;
    }
    if (url.pathname === '/') return answerPage(request, response, url, options.token, shell);
    if (url.pathname === SNAPSHOT_PATH) return answerSnapshot(request, response, url, options.token, hub);
    const asset = assets.get(url.pathname);
    if (asset === undefined) {
      response.writeHead(HTTP_NOT_FOUND, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('not found\n');
      return;
    }
    response.writeHead(HTTP_OK, { ...SECURITY_HEADERS, 'Content-Type': asset.type });
    response.end(asset.body);
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = requestUrl(request);
    const refusal = url === null ? { status: HTTP_BAD_REQUEST, reason: 'Bad Request' } : upgradeRefusal(request, url, options.token);
    if (refusal !== null) {
      socket.end(`HTTP/1.1 ${refusal.status} ${refusal.reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (socket) => attach(hub, socket, log));
  });

  const port = await listen(server, host, options.port, 'dashboard');
  const base = `http://${urlAuthority(host, port)}`;
  return {
    url: `${base}/?token=${options.token}`,
    port,
    async close() {
      hub.close();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await closeServer(server);
    },
  };
}

/** The request's URL; null for a request target that is not one (the edge answers 400 and runs on). */
function requestUrl(request: IncomingMessage): URL | null {
  try {
    return new URL(request.url ?? '/', 'http://dashboard');
  } catch {
    return null;
  }
}

function answerPage(request: IncomingMessage, response: ServerResponse, url: URL, token: string, shell: Buffer): void {
  const given = requestToken(url, request.headers.authorization);
  if (!tokenMatches(token, given)) {
    // Without a token: a form that asks for it (no script, nothing of the edge); with a wrong one: refused.
    const status = given === null ? HTTP_OK : HTTP_UNAUTHORIZED;
    response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': CONTENT_TYPES['.html']! });
    response.end(signInPage(given !== null));
    return;
  }
  response.writeHead(HTTP_OK, { ...SECURITY_HEADERS, 'Content-Type': CONTENT_TYPES['.html']! });
  response.end(shell);
}

function answerSnapshot(request: IncomingMessage, response: ServerResponse, url: URL, token: string, hub: FeedHub): void {
  const authorized = tokenMatches(token, requestToken(url, request.headers.authorization));
  response.writeHead(authorized ? HTTP_OK : HTTP_UNAUTHORIZED, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(authorized ? hub.snapshot() : { error: 'the dashboard token is missing or wrong' }));
}

/** The feed takes the page's own origin and the token; anything else is refused before the upgrade. */
function upgradeRefusal(request: IncomingMessage, url: URL, token: string): { status: number; reason: string } | null {
  if (url.pathname !== FEED_PATH) return { status: HTTP_NOT_FOUND, reason: 'Not Found' };
  if (!tokenMatches(token, requestToken(url, request.headers.authorization))) return { status: HTTP_UNAUTHORIZED, reason: 'Unauthorized' };
  // A browser sends Origin on every WebSocket; a page of another site must not reach the feed (RFC 6455 §10.2).
  const origin = request.headers.origin;
  if (origin !== undefined && originHost(origin) !== request.headers.host) return { status: HTTP_FORBIDDEN, reason: 'Forbidden' };
  return null;
}

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

function attach(hub: FeedHub, socket: WebSocket, log: (line: string) => void): void {
  const client = {
    send: (text: string) => socket.send(text),
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
    close: (code: number, reason: string) => socket.close(code, reason),
  };
  hub.add(client);
  socket.on('message', (data, isBinary) => {
    if (isBinary) return socket.close(1003, 'text frames only');
    hub.receive(client, data.toString()).catch((error: Error) => log(`dashboard: a page's message failed: ${error.message}`));
  });
  socket.on('close', () => hub.remove(client));
  socket.on('error', () => hub.remove(client));
}
