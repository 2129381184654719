import type { IngestRecord } from '../../../host/edge/record.ts';

const encoder = new TextEncoder();

/** A record as the gateway would hand it over: device `dev-<n mod devices>`, session 1, seq n mod 65536. */
export function makeRecord(n: number, { devices = 4, payloadBytes = 0 } = {}): IngestRecord {
  const deviceId = `dev-${n % devices}`;
  const body = JSON.stringify({ n, device: deviceId, t: 21.5 + (n % 10) / 10 });
  const padded = payloadBytes > body.length ? `${body.slice(0, -1)},"pad":"${'x'.repeat(payloadBytes - body.length - 9)}"}` : body;
  return {
    key: { deviceId, session: 1, seq: n % 65_536 },
    subject: `${deviceId}/data`,
    payload: encoder.encode(padded),
    receivedAtMs: 1_700_000_000_000 + n,
  };
}

export function makeRecords(from: number, count: number, options?: { devices?: number; payloadBytes?: number }): IngestRecord[] {
  return Array.from({ length: count }, (_, i) => makeRecord(from + i, options));
}

/** The `n` a record's payload carries. */
export function recordNumber(payload: Uint8Array): number {
  return (JSON.parse(new TextDecoder().decode(payload)) as { n: number }).n;
}
