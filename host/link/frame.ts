/**
 * A frame on the wire (docs/link-protocol.md §2, §3): COBS(header + payload + CRC) followed by one 0x00.
 * Wrapping a payload and opening a body; what the payload means is codec.ts's business.
 */
import { ByteReader, checkInteger } from './bytes.ts';
import { cobsEncode, cobsMaxEncodedBytes } from './cobs.ts';
import { crc32 } from './crc32.ts';
import type { DropReason } from './drop-reasons.ts';
import { decodeNewerPeer, type NewerPeer } from './hello.ts';
import { MessageType } from './message-types.ts';
import { LINK_VERSION } from './messages.ts';
/** §3.1: version u8, type u8, session_tag u16, seq u16. */
export const HEADER_BYTES = 6;
/** §3.2: CRC-32/ISO-HDLC over header and payload, little-endian. */
export const CRC_BYTES = 4;
export const MAX_PAYLOAD_BYTES = 1024;
/** §3: 10..1034 bytes. */
export const MIN_BODY_BYTES = HEADER_BYTES + CRC_BYTES;
export const MAX_BODY_BYTES = HEADER_BYTES + MAX_PAYLOAD_BYTES + CRC_BYTES;
/** §2: the longest run a receiver that accepts every type holds before a delimiter (1039 bytes). */
export const MAX_ENCODED_BYTES = cobsMaxEncodedBytes(MAX_BODY_BYTES);
export const FRAME_DELIMITER = 0x00;

/** §3.1 header layout. */
const VERSION_AT = 0;
const TYPE_AT = 1;
const SESSION_TAG_AT = 2;
const SEQ_AT = 4;
/** §3.1, §5: `session_tag` and `seq` are u16. */
const U16_MAX = 0xffff;

const bodyScratch = new Uint8Array(MAX_BODY_BYTES);
const newerPeerReader = new ByteReader();
const wireScratch = new Uint8Array(MAX_ENCODED_BYTES + 1);

/**
 * The complete wire frame for a payload of `payload[0, payloadLength)`, delimiter included, with the header's
 * fields in their wire order: `type`, `session_tag` (the low 16 bits of the sender's session, §5.1) and `seq`.
 */
export function wrapFrame(
  type: number,
  sessionTag: number,
  seq: number,
  payload: Uint8Array,
  payloadLength: number,
): Uint8Array {
  checkInteger(sessionTag, U16_MAX, 'session_tag');
  checkInteger(seq, U16_MAX, 'seq');
  bodyScratch[VERSION_AT] = LINK_VERSION;
  bodyScratch[TYPE_AT] = type;
  writeU16Le(bodyScratch, SESSION_TAG_AT, sessionTag);
  writeU16Le(bodyScratch, SEQ_AT, seq);
  bodyScratch.set(payload.subarray(0, payloadLength), HEADER_BYTES);
  const crcAt = HEADER_BYTES + payloadLength;
  writeU32Le(bodyScratch, crcAt, crc32(bodyScratch, 0, crcAt));
  const encodedLength = cobsEncode(bodyScratch, 0, crcAt + CRC_BYTES, wireScratch, 0);
  wireScratch[encodedLength] = FRAME_DELIMITER;
  return wireScratch.slice(0, encodedLength + 1);
}

export type OpenedBody =
  | { ok: true; type: number; sessionTag: number; seq: number; payload: Uint8Array }
  | { ok: false; reason: DropReason; detail: string; newerPeer?: NewerPeer };

/**
 * Checks a decoded body's length, CRC and version (§6 checks 3–6); the payload is a view into `body`. A HELLO
 * of a newer major version (above 2, type 0x01) is still dropped, with what §4.1.1 lets a receiver read from it:
 * every major version keeps the 6-byte header, so its payload starts where version 2's does.
 */
export function openBody(body: Uint8Array): OpenedBody {
  if (body.length < MIN_BODY_BYTES) {
    return { ok: false, reason: 'short', detail: `body of ${body.length} bytes, at least ${MIN_BODY_BYTES}` };
  }
  if (body.length > MAX_BODY_BYTES) {
    return { ok: false, reason: 'oversize', detail: `body of ${body.length} bytes, at most ${MAX_BODY_BYTES}` };
  }
  const crcAt = body.length - CRC_BYTES;
  const received = readU32Le(body, crcAt);
  const computed = crc32(body, 0, crcAt);
  if (received !== computed) {
    return { ok: false, reason: 'crc', detail: `CRC ${hex32(received)} received, ${hex32(computed)} computed` };
  }
  const version = body[VERSION_AT]!;
  const type = body[TYPE_AT]!;
  if (version !== LINK_VERSION) {
    const detail = `version ${version}, expected ${LINK_VERSION}`;
    if (version < LINK_VERSION || type !== MessageType.Hello) return { ok: false, reason: 'version', detail };
    // §4.1.1: device_id, link_minor and firmware_version, each valid by version-2 rules, or nothing.
    const newerPeer = decodeNewerPeer(version, newerPeerReader.reset(body.subarray(HEADER_BYTES, crcAt)));
    if (newerPeer === undefined) return { ok: false, reason: 'version', detail };
    const { deviceId, linkMinor, firmwareVersion } = newerPeer;
    const peer = `HELLO from ${deviceId}, link ${version}.${linkMinor}, firmware ${JSON.stringify(firmwareVersion)}`;
    return { ok: false, reason: 'version', detail: `${detail}: ${peer}`, newerPeer };
  }
  return {
    ok: true,
    type,
    sessionTag: readU16Le(body, SESSION_TAG_AT),
    seq: readU16Le(body, SEQ_AT),
    payload: body.subarray(HEADER_BYTES, crcAt),
  };
}

function writeU16Le(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = value >>> 8;
}

function readU16Le(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8);
}

function writeU32Le(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >>> 8) & 0xff;
  bytes[at + 2] = (value >>> 16) & 0xff;
  bytes[at + 3] = value >>> 24;
}

function readU32Le(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

function hex32(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
