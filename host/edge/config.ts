import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * The cloud tier's configuration (docs/edge.md, "Configuration"): the outbox, the forwarder's pacing and the
 * sinks, with every default in this one schema. An error names each field, its value (secrets hidden) and why.
 */

const positiveInt = z.number().int().positive();
const milliseconds = z.number().int().nonnegative();

/** A PEM file that must exist when the configuration is read, not at the first connection. */
const pemFile = z.string().min(1).refine(existsSync, 'no such file');

const tls = z
  .object({
    /** The CA that signed the server's certificate (else the system's CAs). */
    caFile: pemFile.optional(),
    /** The client's certificate, for brokers that authenticate clients by certificate... */
    certFile: pemFile.optional(),
    /** ...and its private key. */
    keyFile: pemFile.optional(),
  })
  .strict()
  .refine((value) => (value.certFile === undefined) === (value.keyFile === undefined), {
    message: 'certFile and keyFile go together',
    path: ['certFile'],
  });

const outbox = z
  .object({
    /** The SQLite database file (created if missing); `:memory:` keeps nothing across a restart. */
    path: z.string().min(1),
    /** `normal` survives a crash of the edge process, `full` a power loss too (docs/edge.md, "Durability"). */
    durability: z.enum(['normal', 'full']).default('normal'),
    /** Group commit: appends wait at most this long for one transaction... */
    commitIntervalMs: milliseconds.max(1000).default(2),
    /** ...or until this many records are waiting. */
    commitMaxRecords: positiveInt.default(4096),
    /** The backlog's bounds: held records... */
    maxRecords: positiveInt.default(1_000_000),
    /** ...and the sum of their payload sizes. */
    maxBytes: positiveInt.default(256 * 1024 * 1024),
    /** A larger payload is refused at append (NATS' default max_payload is 1 MiB, headers included). */
    maxRecordBytes: positiveInt.default(512 * 1024),
    overflow: z.enum(['drop-oldest', 'reject-new']).default('drop-oldest'),
  })
  .strict();

const forwarder = z
  .object({
    /** Records handed to a sink at once. */
    batchRecords: positiveInt.max(65_536).default(1000),
    backoff: z
      .object({
        initialMs: positiveInt.default(100),
        maxMs: positiveInt.default(30_000),
        multiplier: z.number().min(1).default(2),
        /** Fraction of each delay left to chance: 1 full jitter, 0 none. */
        jitter: z.number().min(0).max(1).default(0.5),
      })
      .strict()
      .refine((value) => value.maxMs >= value.initialMs, { message: 'must be at least initialMs', path: ['maxMs'] })
      .prefault({}),
    circuit: z
      .object({
        /** Failed batches in a row that open a sink's circuit. */
        failureThreshold: positiveInt.default(5),
        /** How long an open circuit waits before one trial batch. */
        openMs: positiveInt.default(15_000),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** NATS stream names may not hold white space, '.', '*', '>' or path separators. */
const streamName = z.string().regex(/^[^\s.*>/\\]+$/, 'must be a NATS stream name (no spaces, ".", "*", ">", "/")');
/** Dot-separated NATS tokens without wildcards. */
const subjectPrefix = z.string().regex(/^[^\s.*>]+(\.[^\s.*>]+)*$/, 'must be NATS subject tokens without wildcards');

const nats = z
  .object({
    /** `nats://host:port` (or `tls://host:port`); several for a cluster. */
    servers: z
      .union([z.string(), z.array(z.string())])
      .transform((value) => (Array.isArray(value) ? value : [value]))
      .pipe(z.array(z.string().regex(/^((nats|tls):\/\/)?[^\s/]+$/, 'must be nats://host:port')).min(1)),
    user: z.string().min(1).optional(),
    pass: z.string().min(1).optional(),
    token: z.string().min(1).optional(),
    tls: tls.optional(),
    stream: z
      .object({
        name: streamName.default('WASMOTE'),
        subjectPrefix: subjectPrefix.default('wasmote'),
        /** JetStream's Nats-Msg-Id deduplication window. */
        duplicateWindowMs: positiveInt.min(1000).default(120_000),
        storage: z.enum(['file', 'memory']).default('file'),
        /** 0: messages are kept until the stream's other limits apply. */
        maxAgeMs: milliseconds.default(0),
        replicas: z.number().int().min(1).max(5).default(1),
      })
      .strict()
      .prefault({}),
    connectTimeoutMs: positiveInt.default(5000),
    publishTimeoutMs: positiveInt.default(5000),
  })
  .strict()
  .refine((value) => (value.user === undefined) === (value.pass === undefined), {
    message: 'user and pass go together',
    path: ['user'],
  })
  .refine((value) => value.token === undefined || value.user === undefined, {
    message: 'use either token or user and pass',
    path: ['token'],
  });

const mqttBridge = z
  .object({
    /** `mqtt://host:port`, or `mqtts://host:port` with TLS. */
    url: z.string().regex(/^mqtts?:\/\/[^\s/]+\/?$/, 'must be mqtt://host:port or mqtts://host:port'),
    /** Keys the persistent session on the upstream broker: stable across restarts, unique per edge. */
    clientId: z.string().min(1).max(65_535),
    /** Records go to `<topicPrefix>/<subject>`. */
    topicPrefix: z
      .string()
      .regex(/^([^/+#\u0000]+(\/[^/+#\u0000]+)*)?$/, 'must be topic levels without wildcards or a leading or trailing /')
      .default('wasmote'),
    /** MQTT 5 Session Expiry Interval. */
    sessionExpiryS: z.number().int().min(1).max(0xffff_ffff).default(3600),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    tls: tls.optional(),
    connectTimeoutMs: positiveInt.default(5000),
    publishTimeoutMs: positiveInt.default(10_000),
    /** QoS 1 messages awaiting PUBACK at once (the broker's Receive Maximum may lower it). */
    maxInflight: positiveInt.max(65_535).default(100),
  })
  .strict()
  .refine((value) => value.password === undefined || value.username !== undefined, {
    message: 'a password needs a username',
    path: ['password'],
  })
  .refine((value) => value.tls === undefined || value.url.startsWith('mqtts://'), {
    message: 'tls needs an mqtts:// url',
    path: ['url'],
  });

export const cloudTierConfigSchema = z
  .object({
    outbox,
    forwarder: forwarder.prefault({}),
    sinks: z
      .object({
        nats: nats.optional(),
        mqtt: mqttBridge.optional(),
      })
      .strict(),
  })
  .strict();

export type CloudTierConfig = z.output<typeof cloudTierConfigSchema>;
export type CloudTierConfigInput = z.input<typeof cloudTierConfigSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Fields whose values an error never shows. */
const SECRET_FIELDS = new Set(['pass', 'password', 'token']);

/** Validates a parsed configuration; the error names every problem: `field: reason (got value)`. */
export function parseCloudTierConfig(input: unknown, source = 'configuration'): CloudTierConfig {
  const result = cloudTierConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.join('.') || '(top level)';
    const value = valueAt(input, issue.path);
    const shown = SECRET_FIELDS.has(String(issue.path.at(-1))) ? '(hidden)' : describe(value);
    return `  ${field}: ${issue.message} (got ${shown})`;
  });
  throw new ConfigError(`${source} is not a valid cloud tier configuration:\n${problems.join('\n')}`);
}

export async function loadCloudTierConfig(path: string): Promise<CloudTierConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not JSON: ${(error as Error).message}`);
  }
  return parseCloudTierConfig(json, path);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object' || item === null)) {
    return JSON.stringify(value);
  }
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'a list' : 'an object';
  return JSON.stringify(value);
}
