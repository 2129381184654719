/**
 * A child process for the crash test: appends numbered records to a SqliteOutbox as fast as it can, several appends
 * in flight at once, and prints `acked <n>` once the append holding record n - 1 has resolved. It runs until killed.
 *   node --import tsx outbox-writer.ts <database> <normal|full>
 */
import { SqliteOutbox } from '../../../host/edge/outbox/sqlite-outbox.ts';
import { makeRecords } from './records.ts';

const [path, durability] = process.argv.slice(2) as [string, 'normal' | 'full'];
const outbox = SqliteOutbox.open({
  path,
  sinks: ['nats'],
  limits: { maxRecords: 10_000_000, maxBytes: 10_000_000_000, overflow: 'reject-new', maxRecordBytes: 4096 },
  durability,
  commitIntervalMs: 2,
  commitMaxRecords: 512,
});

const IN_FLIGHT = 8;
let next = 0;
let size = 1;

function appendOne(): Promise<void> {
  size = (size * 7 + 3) % 61 || 1; // batch sizes 1..60, varied
  const records = makeRecords(next, size, { payloadBytes: 220 });
  next += size;
  const end = next;
  return outbox.append(records).then(() => {
    process.stdout.write(`acked ${end}\n`);
  });
}

// Appends resolve in order (one queue, one commit at a time), so the last line printed is the furthest acked.
async function lane(): Promise<void> {
  for (;;) await appendOne();
}
for (let i = 0; i < IN_FLIGHT; i++) void lane();
process.stdout.write('ready\n');
