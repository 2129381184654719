import { headers, Match, type MsgHdrs, MsgHdrsImpl } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { MSG_ID_HEADER, RECEIVED_AT_HEADER, RecordHeaders } from '../../../host/edge/sinks/record-headers.ts';

/** nats.js's own header set with the same two headers: the second implementation the block is checked against. */
function natsHeaders(msgId: string, receivedAtMs: number): MsgHdrsImpl {
  const h = headers() as MsgHdrsImpl;
  h.append(MSG_ID_HEADER, msgId);
  h.append(RECEIVED_AT_HEADER, String(receivedAtMs));
  return h;
}

describe("a record's NATS headers", () => {
  it('encode to the block nats.js encodes for the same headers, which nats.js decodes back to them', () => {
    for (const [msgId, receivedAtMs] of [
      ['lab/sim-3fa2-0000/data:305419896:27', 1_764_833_401_000],
      ['édge/capteur-ü/log:0:4294967295', 0],
    ] as const) {
      const ours = new RecordHeaders(msgId, receivedAtMs);
      expect(Buffer.from(ours.encode())).toEqual(Buffer.from(natsHeaders(msgId, receivedAtMs).encode()));
      const decoded = MsgHdrsImpl.decode(ours.encode());
      expect(decoded.get(MSG_ID_HEADER)).toBe(msgId);
      expect(decoded.get(RECEIVED_AT_HEADER)).toBe(String(receivedAtMs));
    }
  });

  it('read as any header set does', () => {
    const ours = new RecordHeaders('lab/d/data:1:2', 5);
    expect(ours.get(MSG_ID_HEADER)).toBe('lab/d/data:1:2');
    expect(ours.has('nats-msg-id', Match.IgnoreCase)).toBe(true);
    expect(ours.keys()).toEqual([MSG_ID_HEADER, RECEIVED_AT_HEADER]);
    expect([...ours]).toEqual([...natsHeaders('lab/d/data:1:2', 5)]);
    expect(ours.hasError).toBe(false);
  });

  it('cannot be changed, and refuse a value that would end its line early', () => {
    const ours: MsgHdrs = new RecordHeaders('lab/d/data:1:2', 5);
    expect(() => ours.set(MSG_ID_HEADER, 'other')).toThrow(TypeError);
    expect(() => ours.append('X-Other', 'v')).toThrow(TypeError);
    expect(() => ours.delete(MSG_ID_HEADER)).toThrow(TypeError);
    expect(() => new RecordHeaders('lab/d\r\nX-Injected: 1/data:1:2', 5)).toThrow(/line break/);
  });
});
