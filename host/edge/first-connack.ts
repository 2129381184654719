import type { IConnackPacket, MqttClient } from 'mqtt';

/**
 * Resolves with the CONNACK of a client's first CONNECT, or rejects with its error or an early close; on failure
 * the client is ended. For connections that never reconnect by themselves (reconnectPeriod 0).
 */
export function firstConnack(client: MqttClient): Promise<IConnackPacket> {
  return new Promise((resolve, reject) => {
    const stopListening = (): void => {
      client.removeListener('connect', onConnect);
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
    };
    const fail = (error: Error): void => {
      stopListening();
      client.end(true);
      reject(error);
    };
    const onConnect = (connack: IConnackPacket): void => {
      stopListening();
      resolve(connack);
    };
    const onError = (error: Error): void => fail(error);
    const onClose = (): void => fail(new Error('connection closed before CONNACK'));
    client.on('connect', onConnect);
    client.on('error', onError);
    client.on('close', onClose);
  });
}
