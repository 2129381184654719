import { once } from 'node:events';
import net from 'node:net';
import { connect, headers, MsgHdrsImpl } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { idempotencyKey, type OutboxRecord } from '../../../host/edge/record.ts';
import { HpubBatchEncoder, MSG_ID_HEADER, RECEIVED_AT_HEADER } from '../../../host/edge/sinks/hpub-batch.ts';
import { natsSubject } from '../../../host/edge/sinks/jetstream-stream.ts';

const MAX_PAYLOAD_BYTES = 1_048_576;
const INFO = `INFO {"server_id":"capture","version":"2.9.0","proto":1,"headers":true,"max_payload":${MAX_PAYLOAD_BYTES}}\r\n`;
const subjectOf = (subject: string): string => natsSubject('wasmote', subject);
const encode = (records: readonly OutboxRecord[], replyPrefix: string, firstReplyNumber: number, maxPayloadBytes = MAX_PAYLOAD_BYTES): Buffer =>
  new HpubBatchEncoder('wasmote').encode(records, replyPrefix, firstReplyNumber, maxPayloadBytes);

function record(position: number, subject: string, session: number, seq: number, payload: string, receivedAtMs: number): OutboxRecord {
  return { position, key: { deviceId: subject.split('/').slice(0, 2).join('/'), session, seq }, subject, payload: Buffer.from(payload), receivedAtMs };
}

const RECORDS: OutboxRecord[] = [
  record(1, 'lab/sim-3fa2-0000/data', 305_419_896, 27, '{"time":"2026-12-05T08:00:00.000Z","values":{"t":21.5}}', 1_764_921_600_000),
  record(2, 'édge/capteur-ü/log', 0, 65_535, '{"text":"température ok"}', 0),
  record(3, 'lab/a.b c/event', 4_294_967_295, 0, '', 1_764_921_600_123),
  record(4, 'lab/sim-3fa2-0000/data', 305_419_896, 28, '{"values":{"t":-1.5e-7}}', 1_764_921_600_123.4567),
];

/**
 * The bytes nats.js itself writes for `publish(subject, payload, { reply, headers })` of each record, captured by
 * a server that only greets, answers PINGs and records: the second implementation the batch is checked against.
 */
async function natsJsBytes(records: readonly OutboxRecord[], replyPrefix: string, firstReplyNumber: number): Promise<Buffer> {
  const received: Buffer[] = [];
  const server = net.createServer((socket) => {
    socket.write(INFO);
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      for (let at = chunk.indexOf('PING\r\n'); at >= 0; at = chunk.indexOf('PING\r\n', at + 1)) socket.write('PONG\r\n');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const nc = await connect({ servers: `127.0.0.1:${(server.address() as net.AddressInfo).port}`, reconnect: false });
  try {
    const greeting = Buffer.concat(received).length;
    records.forEach((r, index) => {
      const h = headers();
      h.set(MSG_ID_HEADER, idempotencyKey(r));
      h.set(RECEIVED_AT_HEADER, String(r.receivedAtMs));
      nc.publish(subjectOf(r.subject), r.payload, { reply: `${replyPrefix}${firstReplyNumber + index}`, headers: h });
    });
    await nc.flush();
    const wire = Buffer.concat(received).subarray(greeting);
    expect(wire.subarray(wire.length - 6).toString()).toBe('PING\r\n');
    return wire.subarray(0, wire.length - 6);
  } finally {
    await nc.close();
    server.close();
  }
}

describe('a batch of HPUB commands', () => {
  it('is byte for byte what nats.js writes for the same publishes', async () => {
    const ours = encode(RECORDS, '_INBOX.X7.', 41);
    expect(ours).toEqual(await natsJsBytes(RECORDS, '_INBOX.X7.', 41));
  });

  it('carries headers nats.js decodes to the key and arrival time', () => {
    const [first] = RECORDS;
    const ours = encode([first!], 'r.', 0);
    const line = ours.subarray(0, ours.indexOf('\r\n')).toString();
    const [, subject, reply, headerBytes, totalBytes] = line.split(' ');
    expect([subject, reply]).toEqual(['wasmote.lab.sim-3fa2-0000.data', 'r.0']);
    const body = ours.subarray(line.length + 2, ours.length - 2);
    expect(body.length).toBe(Number(totalBytes));
    const decoded = MsgHdrsImpl.decode(body.subarray(0, Number(headerBytes)));
    expect(decoded.get(MSG_ID_HEADER)).toBe('lab/sim-3fa2-0000/data:305419896:27');
    expect(decoded.get(RECEIVED_AT_HEADER)).toBe('1764921600000');
    expect(body.subarray(Number(headerBytes))).toEqual(first!.payload);
  });

  it('refuses a key that would end its header line early, and a message over max_payload, naming the record', () => {
    const injected = record(1, 'lab/d\r\nX-Injected: 1/data', 1, 2, '{}', 5);
    expect(() => encode([injected], 'r.', 0)).toThrow(
      /line break/,
    );
    const large = record(1, 'lab/d/data', 1, 2, 'x'.repeat(1000), 5);
    expect(() => encode([RECORDS[0]!, large], 'r.', 0, 1000)).toThrow(
      /lab\/d\/data:1:2 is 10\d\d bytes with its headers, over the server's max_payload of 1000/,
    );
  });
});
