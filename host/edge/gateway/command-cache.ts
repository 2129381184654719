/**
 * docs/mqtt.md §5.1 "Each command runs once": per device, the answers to the commands taken in the last 5 minutes,
 * by the requester's `id` or its MQTT 5 correlation data. A repeat shares the first one's answer, marked cached.
 */
import type { CommandAnswer } from './messages.ts';

export const COMMAND_CACHE_MS = 5 * 60_000;

interface Entry {
  takenAtMs: number;
  answer: Promise<CommandAnswer>;
}

export class CommandCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly nowMs: () => number) {}

  /** The answer of the command taken under `key` in the last 5 minutes, marked cached; undefined if none. */
  lookup(key: string): Promise<CommandAnswer> | undefined {
    this.expire();
    const entry = this.entries.get(key);
    return entry?.answer.then((answer) => ('cached' in answer ? { ...answer, cached: true } : answer));
  }

  remember(key: string, answer: Promise<CommandAnswer>): void {
    this.entries.set(key, { takenAtMs: this.nowMs(), answer });
  }

  /** Entries are kept in the order taken, so the oldest are first. */
  private expire(): void {
    const cutoffMs = this.nowMs() - COMMAND_CACHE_MS;
    for (const [key, entry] of this.entries) {
      if (entry.takenAtMs > cutoffMs) break;
      this.entries.delete(key);
    }
  }
}

/** The cache key: correlation data and `id` are separate spaces. */
export function commandCacheKey(id: string | undefined, correlationData: Uint8Array | undefined): string | undefined {
  if (correlationData !== undefined && correlationData.length > 0) return `correlation:${Buffer.from(correlationData).toString('hex')}`;
  return id === undefined ? undefined : `id:${id}`;
}
