/**
 * The command-line forms of where device links go and come from (issue 11): `--edge tcp://HOST:PORT` on the
 * device side, `--tcp [HOST:]PORT` and `--serial auto|PATH[,PATH...]` on the edge's. Kept apart from the
 * transports so that `--help` loads none of them.
 */
import type { EdgeAddress } from '../edge/links/edge-uplink.ts';
import type { SerialPortSelection } from '../edge/links/serial-source.ts';
import type { TcpListenAddress } from '../edge/links/tcp-source.ts';
import { value, type OptionSpec } from './arguments.ts';
import { UsageError } from './errors.ts';

/** `--tcp PORT` listens on loopback only, so a gateway is not reachable from the network by accident. */
const LOOPBACK = '127.0.0.1';
const PORT_TEXT = /^\d{1,5}$/;
const MAX_PORT = 65_535;
/** `HOST:PORT` or `[IPv6]:PORT`. */
const HOST_AND_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:/[\]]+)):(\d{1,5})$/;
const EDGE_SCHEME = 'tcp://';

function readPort(text: string, option: string, given: string, min: number): number {
  const port = Number(text);
  if (!PORT_TEXT.test(text) || port < min || port > MAX_PORT) {
    throw new UsageError(`${option} '${given}' needs a port from ${min} to ${MAX_PORT}`);
  }
  return port;
}

/** `PORT` (on 127.0.0.1), `HOST:PORT` or `[IPv6]:PORT`; port 0 asks the OS for a free one. */
export function parseTcpListenAddress(text: string, option = '--tcp'): TcpListenAddress {
  if (PORT_TEXT.test(text)) return { host: LOOPBACK, port: readPort(text, option, text, 0) };
  const match = HOST_AND_PORT.exec(text);
  if (match === null) throw new UsageError(`${option} '${text}' must be PORT, HOST:PORT or [IPv6]:PORT`);
  return { host: match[1] ?? match[2]!, port: readPort(match[3]!, option, text, 0) };
}

/** `tcp://HOST:PORT` or `tcp://[IPv6]:PORT`. */
export function parseEdgeUrl(text: string, option = '--edge'): EdgeAddress {
  const rest = text.startsWith(EDGE_SCHEME) ? text.slice(EDGE_SCHEME.length).replace(/\/$/, '') : undefined;
  const match = rest === undefined ? null : HOST_AND_PORT.exec(rest);
  if (match === null) throw new UsageError(`${option} '${text}' must be tcp://HOST:PORT`);
  return { host: match[1] ?? match[2]!, port: readPort(match[3]!, option, text, 1) };
}

/** `auto`, or one or more port paths separated by commas. */
export function parseSerialPorts(text: string, option = '--serial'): SerialPortSelection {
  if (text === 'auto') return 'auto';
  const paths = text.split(',').map((path) => path.trim());
  if (paths.some((path) => path === '')) throw new UsageError(`${option} '${text}' must be auto or port paths separated by commas`);
  return [...new Set(paths)];
}

export function tcpListenAddress(): OptionSpec<TcpListenAddress | undefined> {
  return value(parseTcpListenAddress);
}

export function edgeUrl(): OptionSpec<EdgeAddress | undefined> {
  return value(parseEdgeUrl);
}

export function serialPorts(): OptionSpec<SerialPortSelection | undefined> {
  return value(parseSerialPorts);
}

/** How an edge address prints: the form `--edge` takes. */
export function formatEdgeUrl({ host, port }: EdgeAddress): string {
  return `${EDGE_SCHEME}${host.includes(':') ? `[${host}]` : host}:${port}`;
}
