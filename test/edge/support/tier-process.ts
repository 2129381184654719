/**
 * A child process for the shutdown test: a cloud tier draining to NATS, appending numbered records with several
 * appends in flight, printing `acked <first> <count>` as each resolves, and closing on SIGTERM.
 *   node --import tsx tier-process.ts <outbox path> <nats url> <stream>
 */
import { Registry } from 'prom-client';
import { startCloudTier } from '../../../host/edge/cloud-tier.ts';
import { parseCloudTierConfig } from '../../../host/edge/config.ts';
import { closeOnSignals } from '../../../host/edge/shutdown.ts';
import { makeRecords } from './records.ts';

const [outboxPath, natsUrl, stream] = process.argv.slice(2) as [string, string, string];
const tier = startCloudTier(
  parseCloudTierConfig({
    outbox: { path: outboxPath },
    sinks: { nats: { servers: natsUrl, stream: { name: stream, subjectPrefix: stream.toLowerCase() } } },
  }),
  { registry: new Registry() },
);
closeOnSignals(() => tier.close(), { log: (line) => process.stderr.write(`${line}\n`) });

let next = 0;
async function lane(): Promise<void> {
  for (;;) {
    const first = next;
    next += 20;
    try {
      await tier.append(makeRecords(first, 20, { devices: 10 }));
    } catch {
      return; // closed: intake has stopped
    }
    process.stdout.write(`acked ${first} 20\n`);
  }
}
for (let i = 0; i < 4; i++) void lane();
process.stdout.write('ready\n');
