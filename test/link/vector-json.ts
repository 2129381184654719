/**
 * The JSON form of link messages in test/vectors/link-frames.json: the TypeScript field names, with every byte
 * field (`appHash`, `payload`, `data`) as a lowercase hex string.
 */
import type { NewerPeer } from '../../host/link/hello.ts';
import type { LinkMessage } from '../../host/link/messages.ts';

export interface ValidVector {
  name: string;
  /** The whole wire frame, 0x00 delimiter included. */
  hex: string;
  /** docs/link-protocol.md §3.1: the frame's `session_tag`. */
  sessionTag: number;
  seq: number;
  message: Record<string, unknown>;
}

export interface InvalidVector {
  name: string;
  /** One segment and its 0x00 delimiter. */
  hex: string;
  reason: string;
  /** For `malformed`: the spec field the drop's detail names. */
  field?: string;
  /** For a newer device's HELLO (docs/link-protocol.md §4.1.1): what a receiver reads from it. */
  newerPeer?: Omit<NewerPeer, 'linkVersion'>;
}

export interface LinkVectors {
  version: number;
  valid: ValidVector[];
  invalid: InvalidVector[];
}

const BYTE_FIELDS = new Set(['appHash', 'payload', 'data']);

export function messageToJson(message: LinkMessage): Record<string, unknown> {
  return mapFields(message, (key, value) => (value instanceof Uint8Array ? toHex(value) : value));
}

export function messageFromJson(json: Record<string, unknown>): LinkMessage {
  return mapFields(json, (key, value) =>
    BYTE_FIELDS.has(key) && typeof value === 'string' ? fromHex(value) : value,
  ) as unknown as LinkMessage;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

type FieldMapper = (key: string, value: unknown) => unknown;

function mapFields(object: object, mapper: FieldMapper): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, mapValue(key, value, mapper)]));
}

function mapValue(key: string, value: unknown, mapper: FieldMapper): unknown {
  if (Array.isArray(value)) return value.map((item) => mapValue(key, item, mapper));
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return mapFields(value, mapper);
  }
  return mapper(key, value);
}
