import { JetStreamApiCodes, JetStreamApiError, jetstreamManager, type StreamConfig } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';

/** The stream the NATS sink publishes into (docs/edge.md, "NATS JetStream"). */
export interface StreamSettings {
  name: string;
  /** Every record goes to `<subjectPrefix>.<subject levels>`; the stream takes `<subjectPrefix>.>`. */
  subjectPrefix: string;
  /**
   * JetStream drops a message whose `Nats-Msg-Id` it stored within this window. It must cover the longest outage
   * the edge rides out with re-sending (the circuit's open time and a backoff at most), and stay shorter than the
   * time the busiest device takes to send 65,536 messages in one session, after which its `seq` repeats.
   */
  duplicateWindowMs: number;
  storage: 'file' | 'memory';
  /** Age after which JetStream removes a message; 0 keeps messages until other limits apply. */
  maxAgeMs: number;
  replicas: number;
}

export class StreamSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StreamSettingsError';
  }
}

/**
 * Creates the stream if it does not exist; if it does, checks that it takes the sink's subjects and stores as
 * configured, and sets its duplicate window to the configured one. Throws StreamSettingsError when the existing
 * stream cannot serve (another stream's subjects, other storage): that needs an operator, not a retry.
 */
export async function ensureStream(nc: NatsConnection, settings: StreamSettings, timeoutMs: number): Promise<void> {
  const jsm = await jetstreamManager(nc, { timeout: timeoutMs });
  const subject = `${settings.subjectPrefix}.>`;
  const wanted: Partial<StreamConfig> & { name: string } = {
    name: settings.name,
    subjects: [subject],
    duplicate_window: nanos(settings.duplicateWindowMs),
    storage: settings.storage === 'file' ? 'file' : 'memory',
    max_age: nanos(settings.maxAgeMs),
    num_replicas: settings.replicas,
  } as Partial<StreamConfig> & { name: string };
  let existing: StreamConfig;
  try {
    existing = (await jsm.streams.info(settings.name)).config;
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) {
      await jsm.streams.add(wanted);
      return;
    }
    throw error;
  }
  if (!existing.subjects?.includes(subject)) {
    throw new StreamSettingsError(
      `stream ${settings.name} takes subjects ${JSON.stringify(existing.subjects ?? [])}, not ${subject} ` +
        '(sinks.nats.stream.subjectPrefix or sinks.nats.stream.name)',
    );
  }
  if (existing.storage !== wanted.storage) {
    throw new StreamSettingsError(
      `stream ${settings.name} stores to ${existing.storage}, not ${wanted.storage} (sinks.nats.stream.storage)`,
    );
  }
  if (existing.duplicate_window !== wanted.duplicate_window || existing.max_age !== wanted.max_age) {
    await jsm.streams.update(settings.name, {
      ...existing,
      duplicate_window: wanted.duplicate_window,
      max_age: wanted.max_age,
    });
  }
}

/**
 * The NATS subject for a record: `<prefix>.` and the subject's '/'-separated levels as tokens. A token may not hold
 * '.', '*', '>' or white space (NATS subject syntax), so those, and '%' itself, are percent-encoded (UTF-8 bytes);
 * an empty level becomes `%00` (no level holds NUL).
 */
export function natsSubject(prefix: string, subject: string): string {
  return `${prefix}.${subject.split('/').map(encodeToken).join('.')}`;
}

function encodeToken(level: string): string {
  if (level.length === 0) return '%00';
  return level.replace(/[.*>%\s]/gu, (char) =>
    [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}
