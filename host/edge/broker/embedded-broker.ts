import { randomBytes } from 'node:crypto';
import { createServer, isIP, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes } from 'aedes';
import { isLinkId } from '../../link/link-id.ts';
import { closeServer, listen, listenPreferring, urlAuthority } from '../listen.ts';
import { readTlsFiles, TLS_FIELD_NAMES } from '../tls-files.ts';
import { type BrokerSecurity, isLoopback, securityHandlers } from './broker-security.ts';
import { withUser } from './password-file.ts';

/**
 * The broker `wasmote edge` runs when no `--broker` is given: aedes, MQTT 3.1.1 only, in memory (docs/edge.md,
 * "Security"). Open (the demo: no credentials, loopback only) or secured (a Mosquitto password file and the
 * role rules of docs/mqtt.md §6), on plain TCP and optionally TLS.
 */

/** The IANA-registered MQTT ports (MQTT 3.1.1 §4.2). */
export const MQTT_PORT = 1883;
export const MQTTS_PORT = 8883;

/**
 * aedes defaults to 23 characters, the least a server must take (MQTT 3.1.1 §3.1.3.1); the edge's client ids
 * (`wasmote-edge-<edge>-spb`, docs/mqtt.md §7) are longer. Mosquitto takes up to 65535.
 */
const MAX_CLIENT_ID_CHARACTERS = 65_535;

export interface EmbeddedBrokerOptions {
  /** Default 127.0.0.1. The open mode refuses any address that is not loopback. */
  host?: string;
  /** 0: a free port. Unset: 1883, or a free port when 1883 is taken (the URL says which). */
  port?: number;
  security: BrokerSecurity;
  /**
   * Secured only: the edge's own id. The broker then also takes this username with a password drawn at start
   * (`edgeCredentials`), so the edge connects to its own broker without an entry in the password file.
   */
  edgeId?: string;
  /** A second listener with TLS. With `caFile`, clients must present a certificate that CA signed. */
  tls?: { port?: number; keyFile: string; certFile: string; caFile?: string };
}

export interface EmbeddedBroker {
  /** `mqtt://host:port` of the plain listener. */
  url: string;
  port: number;
  /** `mqtts://host:port` when a TLS listener runs. */
  tlsUrl?: string;
  tlsPort?: number;
  /** Secured with `edgeId`: what the edge's own connections log in with. */
  edgeCredentials?: { username: string; password: string };
  /** Disconnects every client and stops listening. */
  close(): Promise<void>;
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  if (options.security.mode === 'open' && !isLoopbackHost(host)) {
    throw new Error(`the open broker (no credentials) listens on loopback only, not on ${host}; give a password file`);
  }
  const tlsSecrets = options.tls && readTlsFiles(options.tls, TLS_FIELD_NAMES);
  const edgeCredentials = ownCredentials(options);
  const security: BrokerSecurity =
    options.security.mode === 'secured' && edgeCredentials
      ? {
          mode: 'secured',
          passwords: withUser(options.security.passwords, edgeCredentials.username, edgeCredentials.password),
        }
      : options.security;
  const broker = await Aedes.createBroker({
    ...securityHandlers(security),
    maxClientsIdLength: MAX_CLIENT_ID_CHARACTERS,
  });
  const servers: Server[] = [];
  const close = async (): Promise<void> => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await Promise.all(servers.map(closeServer));
  };
  try {
    const plain = createServer(broker.handle);
    servers.push(plain);
    const port =
      options.port === undefined
        ? await listenPreferring(plain, host, MQTT_PORT, 'embedded broker')
        : await listen(plain, host, options.port, 'embedded broker');
    const started: EmbeddedBroker = {
      url: `mqtt://${urlAuthority(host, port)}`,
      port,
      close,
      ...(edgeCredentials && { edgeCredentials }),
    };
    if (options.tls && tlsSecrets) {
      const secure = createTlsServer(
        { ...tlsSecrets, requestCert: tlsSecrets.ca !== undefined, rejectUnauthorized: tlsSecrets.ca !== undefined },
        broker.handle,
      );
      servers.push(secure);
      const tlsPort = await listen(secure, host, options.tls.port ?? MQTTS_PORT, 'embedded broker (TLS)');
      Object.assign(started, { tlsUrl: `mqtts://${urlAuthority(host, tlsPort)}`, tlsPort });
    }
    return started;
  } catch (error) {
    await close();
    throw error;
  }
}

/** 32 random bytes as base64url: never written anywhere, drawn anew at each start. */
const EDGE_PASSWORD_BYTES = 32;

function ownCredentials(options: EmbeddedBrokerOptions): { username: string; password: string } | undefined {
  if (options.edgeId === undefined || options.security.mode !== 'secured') return undefined;
  if (!isLinkId(options.edgeId)) throw new Error(`edgeId ${JSON.stringify(options.edgeId)} is not a link id`);
  return { username: options.edgeId, password: randomBytes(EDGE_PASSWORD_BYTES).toString('base64url') };
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || (isIP(host) !== 0 && isLoopback(host));
}
