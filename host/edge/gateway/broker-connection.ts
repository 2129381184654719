/**
 * The edge's JSON connection to the broker (docs/mqtt.md §3.1): client id `wasmote-edge-<edge>`, clean session,
 * the edge's last will; MQTT 5 first, and MQTT 3.1.1 when the broker refuses 5 (an aedes broker speaks 3.1.1).
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

/** How long the first connection may take before the edge gives up with an error. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** Between reconnections once the first connection was made. */
const RECONNECT_PERIOD_MS = 1000;

export type ProtocolVersion = 4 | 5;

export interface BrokerConnectionOptions {
  /** `mqtt://` or `mqtts://`, with `user:pass@` when the broker wants credentials (docs/mqtt.md §6). */
  url: string;
  clientId: string;
  will: { topic: string; payload: string };
  connectTimeoutMs?: number;
}

export class BrokerConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerConnectionError';
  }
}

/** The URL without its credentials, for messages. */
export function brokerUrlForDisplay(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

function clientOptions(options: BrokerConnectionOptions, protocolVersion: ProtocolVersion): IClientOptions {
  const parsed = new URL(options.url);
  return {
    protocolVersion,
    clientId: options.clientId,
    clean: true,
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    will: { topic: options.will.topic, payload: Buffer.from(options.will.payload), qos: 1, retain: true },
    connectTimeout: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    // No reconnection until the first connection is made: a wrong address is an error, not a wait.
    reconnectPeriod: 0,
    resubscribe: true,
  };
}

function attempt(options: BrokerConnectionOptions, protocolVersion: ProtocolVersion): Promise<MqttClient> {
  const url = new URL(options.url);
  const address = `${url.protocol}//${url.host}`;
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(address, clientOptions(options, protocolVersion));
    const fail = (error: Error): void => {
      client.removeAllListeners('connect');
      client.end(true);
      reject(error);
    };
    client.once('connect', () => {
      client.removeListener('error', fail);
      client.removeListener('close', closed);
      client.options.reconnectPeriod = RECONNECT_PERIOD_MS;
      resolve(client);
    });
    const closed = (): void => fail(new BrokerConnectionError(`the broker at ${brokerUrlForDisplay(options.url)} closed the connection`));
    client.once('error', fail);
    client.once('close', closed);
  });
}

/** Connects with MQTT 5, or 3.1.1 when 5 is refused; rejects with a BrokerConnectionError in words. */
export async function connectToBroker(options: BrokerConnectionOptions): Promise<{ client: MqttClient; protocolVersion: ProtocolVersion }> {
  try {
    new URL(options.url);
  } catch {
    throw new BrokerConnectionError(`--broker '${options.url}' is not a URL such as mqtt://HOST:PORT`);
  }
  try {
    return { client: await attempt(options, 5), protocolVersion: 5 };
  } catch (v5Error) {
    try {
      return { client: await attempt(options, 4), protocolVersion: 4 };
    } catch {
      const why = (v5Error as NodeJS.ErrnoException).code ?? (v5Error as Error).message;
      throw new BrokerConnectionError(`cannot connect to the broker at ${brokerUrlForDisplay(options.url)}: ${why}`);
    }
  }
}
