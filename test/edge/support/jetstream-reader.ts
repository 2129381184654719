import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { recordNumber } from './records.ts';

export interface StoredMessage {
  subject: string;
  msgId: string | undefined;
  receivedAtMs: string | undefined;
  /** The record number in the payload. */
  n: number;
}

/** Reads a whole stream back with an independent client and an ordered consumer. */
export async function readStream(
  servers: string,
  stream: string,
  auth: { user?: string; pass?: string } = {},
): Promise<StoredMessage[]> {
  const nc = await connect({ servers, ...auth });
  try {
    const { state } = await (await jetstreamManager(nc)).streams.info(stream);
    const stored: StoredMessage[] = [];
    if (state.messages === 0) return stored;
    const consumer = await jetstream(nc).consumers.get(stream);
    const messages = await consumer.consume();
    for await (const message of messages) {
      stored.push({
        subject: message.subject,
        msgId: message.headers?.get('Nats-Msg-Id'),
        receivedAtMs: message.headers?.get('Wasmote-Received-At-Ms'),
        n: recordNumber(message.data),
      });
      if (stored.length >= state.messages) break;
    }
    return stored;
  } finally {
    await nc.close();
  }
}

export async function streamConfig(servers: string, stream: string, auth: { user?: string; pass?: string } = {}) {
  const nc = await connect({ servers, ...auth });
  try {
    return (await (await jetstreamManager(nc)).streams.info(stream)).config;
  } finally {
    await nc.close();
  }
}
