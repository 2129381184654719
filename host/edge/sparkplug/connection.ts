import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { firstConnack } from '../first-connack.ts';

/** How to reach the broker: mqtt.js's own options, as the MQTT bridge takes them (docs/edge.md). */
export interface BrokerConnectionOptions {
  /** `mqtt://host:port`, or `mqtts://host:port` for TLS. */
  url: string;
  username?: string;
  password?: string;
  /** PEM files: the CA that signed the broker's certificate, and the client's certificate and key. */
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  /** How long one CONNECT may wait for its CONNACK. */
  connectTimeoutMs?: number;
  /** MQTT keep alive: how soon the broker notices a silent edge and publishes its NDEATH. */
  keepaliveS?: number;
  /** 5 (the default), or 4 for a broker that speaks MQTT 3.1.1 only (the gateway learns which when it connects). */
  protocolVersion?: 4 | 5;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_KEEPALIVE_S = 30;

export interface Will {
  topic: string;
  payload: Uint8Array;
}

/**
 * The mqtt.js options every CONNECT shares: with MQTT 5, Clean Start with Session Expiry 0 (Sparkplug 3.0
 * tck-id-principles-persistence-clean-session-50); with MQTT 3.1.1, Clean Session (…-clean-session-311); no
 * reconnecting of its own. TLS files are read here, once, so a missing one fails the start rather than a later
 * reconnection.
 */
export function sharedClientOptions(options: BrokerConnectionOptions, clientId: string): IClientOptions {
  const { username, password, tls } = options;
  const protocolVersion = options.protocolVersion ?? 5;
  return {
    protocolVersion,
    clientId,
    clean: true,
    ...(protocolVersion === 5 && { properties: { sessionExpiryInterval: 0 } }),
    username,
    password,
    connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    keepalive: options.keepaliveS ?? DEFAULT_KEEPALIVE_S,
    reconnectPeriod: 0,
    ...(tls?.caFile && { ca: readFileSync(tls.caFile) }),
    ...(tls?.certFile && { cert: readFileSync(tls.certFile) }),
    ...(tls?.keyFile && { key: readFileSync(tls.keyFile) }),
  };
}

/**
 * One MQTT connection, one CONNECT, with the NDEATH as its will, QoS 1, not retained. It never reconnects by
 * itself: every CONNECT needs the next `bdSeq` in its will, so the node opens a new connection each time.
 */
export function openConnection(url: string, shared: IClientOptions, will: Will): Promise<MqttClient> {
  const client = mqtt.connect(url, {
    ...shared,
    will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: false },
  });
  return firstConnack(client).then(() => {
    // Once connected, a failure shows as 'close'; errors are not left unhandled.
    client.on('error', () => {});
    return client;
  });
}
