import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteOutbox } from '../../host/edge/outbox/sqlite-outbox.ts';
import { readStream } from './support/jetstream-reader.ts';
import { NatsServer, tempDir } from '../../bench/peers.ts';
import { recordNumber } from './support/records.ts';

const TIER_PROCESS = path.join(import.meta.dirname, 'support', 'tier-process.ts');
const dir = tempDir('shutdown');
let server: NatsServer;

beforeAll(async () => {
  server = await NatsServer.start(path.join(dir.path, 'store'));
});
afterAll(async () => {
  await server?.stop();
  dir.remove();
});

describe('cloud tier shutdown', () => {
  it('on SIGTERM stops intake and exits 0; every acknowledged record is in the stream or still in the outbox', async () => {
    const outboxPath = path.join(dir.path, 'outbox.db');
    const child = spawn(process.execPath, ['--import', 'tsx', TIER_PROCESS, outboxPath, server.url, 'SHUTDOWN'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const acked = new Set<number>();
    let buffered = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no progress:\n${stderr}`)), 60_000);
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          const match = /^acked (\d+) (\d+)$/.exec(line);
          if (match) for (let i = 0; i < Number(match[2]); i++) acked.add(Number(match[1]) + i);
        }
        if (acked.size >= 3000) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('SIGTERM: closing');

    const delivered = new Set((await readStream(server.url, 'SHUTDOWN')).map((message) => message.n));
    const outbox = SqliteOutbox.open({
      path: outboxPath,
      sinks: ['nats'],
      limits: { maxRecords: 1e9, maxBytes: 1e12, overflow: 'drop-oldest', maxRecordBytes: 1e6 },
      durability: 'normal',
      commitIntervalMs: 1,
      commitMaxRecords: 1000,
    });
    const held = new Set((await outbox.read('nats', 1e9)).map((record) => recordNumber(record.payload)));
    await outbox.close();
    const missing = [...acked].filter((n) => !delivered.has(n) && !held.has(n));
    expect(missing).toEqual([]);
  }, 90_000);
});
