/**
 * A worker's broker connection: MQTT 5 (a shared subscription needs it, §4.8.2), a clean session, no will. The
 * first connection must succeed (a wrong address is an error, not a wait); after it the client reconnects and
 * subscribes again by itself.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { BrokerConnection } from '../../host/edge/broker/connection-options.ts';

const CONNECT_TIMEOUT_MS = 10_000;
const RECONNECT_PERIOD_MS = 1000;

export function connectWorker(connection: BrokerConnection, clientId: string): Promise<MqttClient> {
  const display = connection.url.replace(/\/$/, '');
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(connection.url, {
      ...connection.options,
      protocolVersion: 5,
      clientId,
      clean: true,
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectPeriod: 0,
      resubscribe: true,
    });
    const fail = (why: string): void => {
      client.removeAllListeners('connect');
      client.end(true);
      reject(new Error(`cannot connect to the broker at ${display}: ${why}`));
    };
    const onError = (error: Error): void => fail((error as NodeJS.ErrnoException).code ?? error.message);
    const onClose = (): void => fail('it closed the connection (is it an MQTT 5 broker?)');
    client.once('error', onError);
    client.once('close', onClose);
    client.once('connect', () => {
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
      client.options.reconnectPeriod = RECONNECT_PERIOD_MS;
      client.on('error', () => {}); // a lost connection is retried; the client emits the reason here too
      resolve(client);
    });
  });
}
