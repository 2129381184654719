import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import { OptionError } from '../option-error.ts';
import { readTlsFiles } from '../tls-files.ts';

/**
 * The options of every broker connection the edge makes (docs/mqtt.md §6, docs/edge.md "Security"), from the
 * command line: `--broker URL` (credentials may sit in it as `user:password@`), `--username`, `--password-file`,
 * `--ca`, `--cert`, `--key`. An error (OptionError) names the option at fault and never shows a password.
 */

export interface BrokerConnectionFlags {
  /** `--broker`: mqtt://, mqtts://, ws:// or wss://, with `user:password@` percent-encoded if given. */
  broker: string;
  /** `--username`. */
  username?: string;
  /** `--password-file`: its first line is the password. */
  passwordFile?: string;
  /** `--ca`, `--cert`, `--key`: PEM files; the client certificate and key go together. */
  ca?: string;
  cert?: string;
  key?: string;
}

export interface BrokerConnection {
  /** The broker's URL without credentials, safe to log and to pass to mqtt.connect. */
  url: string;
  /** To spread into the IClientOptions of each connection (client id, will and protocol are the caller's). */
  options: Pick<IClientOptions, 'username' | 'password' | 'ca' | 'cert' | 'key'>;
}

const TLS_PROTOCOLS = new Set(['mqtts:', 'wss:']);
const PROTOCOLS = new Set(['mqtt:', 'mqtts:', 'ws:', 'wss:']);
const WEBSOCKET_PROTOCOLS = new Set(['ws:', 'wss:']);

export function brokerConnection(flags: BrokerConnectionFlags): BrokerConnection {
  const url = parseBrokerUrl(flags.broker);
  const urlUsername = url.username === '' ? undefined : decodeURIComponent(url.username);
  const urlPassword = url.password === '' ? undefined : decodeURIComponent(url.password);
  if (flags.username !== undefined && urlUsername !== undefined && flags.username !== urlUsername) {
    throw new OptionError('--username', `differs from the user in --broker (${urlUsername}); give it in one place`);
  }
  if (flags.passwordFile !== undefined && urlPassword !== undefined) {
    throw new OptionError('--password-file', 'the --broker URL holds a password already; give it in one place');
  }
  const username = flags.username ?? urlUsername;
  const password = flags.passwordFile === undefined ? urlPassword : readPasswordFile(flags.passwordFile);
  if (password !== undefined && username === undefined) {
    const option = flags.passwordFile === undefined ? '--broker' : '--password-file';
    throw new OptionError(option, 'a password needs a username (--username, or user@ in --broker)');
  }
  const tlsGiven = flags.ca !== undefined || flags.cert !== undefined || flags.key !== undefined;
  if (tlsGiven && !TLS_PROTOCOLS.has(url.protocol)) {
    const option = flags.ca !== undefined ? '--ca' : flags.cert !== undefined ? '--cert' : '--key';
    throw new OptionError(option, `needs an mqtts:// or wss:// --broker (got ${url.protocol}//)`);
  }
  const secrets = readTlsFiles(
    { caFile: flags.ca, certFile: flags.cert, keyFile: flags.key },
    { caFile: '--ca', certFile: '--cert', keyFile: '--key' },
  );
  url.username = '';
  url.password = '';
  return {
    url: url.toString(),
    options: {
      ...(username !== undefined && { username }),
      ...(password !== undefined && { password }),
      ...secrets,
    },
  };
}

function parseBrokerUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OptionError('--broker', `not a URL: ${withoutPassword(text)} (e.g. mqtts://broker.example:8883)`);
  }
  if (!PROTOCOLS.has(url.protocol)) {
    throw new OptionError('--broker', `must be mqtt://, mqtts://, ws:// or wss:// (got ${url.protocol}//)`);
  }
  if (url.hostname === '') throw new OptionError('--broker', 'names no host');
  if (!WEBSOCKET_PROTOCOLS.has(url.protocol) && url.pathname !== '' && url.pathname !== '/') {
    const got = `got ${url.pathname}`;
    throw new OptionError('--broker', `an ${url.protocol}// URL takes no path (${got}); ws:// and wss:// do`);
  }
  if (url.search !== '' || url.hash !== '') throw new OptionError('--broker', 'takes no query or fragment');
  return url;
}

/** A URL as text with any `:password@` hidden, for error messages. */
function withoutPassword(text: string): string {
  return text.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
}

function readPasswordFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new OptionError('--password-file', `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  const password = text.split(/\r?\n/, 1)[0]!;
  if (password === '') {
    throw new OptionError('--password-file', `${file} starts with an empty line; its first line is the password`);
  }
  return password;
}
