/**
 * The edge's JSON connection to the broker (docs/mqtt.md §3.1): client id `wasmote-edge-<edge>`, clean session,
 * the edge's last will; MQTT 5 first, and MQTT 3.1.1 when the broker refuses 5 (an aedes broker speaks 3.1.1).
 * The URL, credentials and TLS files come from brokerConnection (host/edge/broker/connection-options.ts), the one
 * place that reads them.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { BrokerConnection } from '../broker/connection-options.ts';

/** How long the first connection may take before the edge gives up with an error. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** Between reconnections once the first connection was made. */
const RECONNECT_PERIOD_MS = 1000;

export type ProtocolVersion = 4 | 5;

export interface BrokerConnectionOptions {
  /** The URL (without credentials) and the credentials and TLS options to connect with (docs/mqtt.md §6). */
  broker: BrokerConnection;
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

/**
 * mqtt.js traces every packet through the `debug` package, whose calls build their arguments even when tracing is
 * off (6 % of what the edge allocates in its bench); its tracer is kept when DEBUG asks for any tracing.
 */
const mqttTracing = (process.env.DEBUG ?? '') !== '';
const noTrace = (): void => {};

function clientOptions(options: BrokerConnectionOptions, protocolVersion: ProtocolVersion): IClientOptions {
  return {
    ...options.broker.options,
    ...(mqttTracing ? {} : { log: noTrace }),
    protocolVersion,
    clientId: options.clientId,
    clean: true,
    will: { topic: options.will.topic, payload: Buffer.from(options.will.payload), qos: 1, retain: true },
    connectTimeout: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    // No reconnection until the first connection is made: a wrong address is an error, not a wait.
    reconnectPeriod: 0,
    resubscribe: true,
  };
}

function attempt(options: BrokerConnectionOptions, protocolVersion: ProtocolVersion): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(options.broker.url, clientOptions(options, protocolVersion));
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
    const closed = (): void => fail(new BrokerConnectionError(`the broker at ${options.broker.url} closed the connection`));
    client.once('error', fail);
    client.once('close', closed);
  });
}

/** Connects with MQTT 5, or 3.1.1 when 5 is refused; rejects with a BrokerConnectionError in words. */
export async function connectToBroker(options: BrokerConnectionOptions): Promise<{ client: MqttClient; protocolVersion: ProtocolVersion }> {
  try {
    return { client: await attempt(options, 5), protocolVersion: 5 };
  } catch (v5Error) {
    try {
      return { client: await attempt(options, 4), protocolVersion: 4 };
    } catch {
      const why = (v5Error as NodeJS.ErrnoException).code ?? (v5Error as Error).message;
      throw new BrokerConnectionError(`cannot connect to the broker at ${options.broker.url}: ${why}`);
    }
  }
}
