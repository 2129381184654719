/** The device link codec (docs/link-protocol.md). */
export * from './messages.ts';
export { MessageType, RESERVED_TYPE_RANGES } from './message-types.ts';
export { DROP_REASONS, type DropReason } from './drop-reasons.ts';
export { LinkFieldError } from './bytes.ts';
export { MAX_PAYLOAD_BYTES, MAX_ENCODED_BYTES } from './frame.ts';
export type { NewerPeer } from './hello.ts';
export { encodeMessage, decodeBody, type BodyDecodeResult } from './codec.ts';
export { LinkEncoder, type LinkEncoderOptions } from './encoder.ts';
export {
  LinkDecoder,
  DEVICE_RECEIVER,
  droppedSegments,
  type DecodedFrame,
  type LinkDecoderOptions,
  type LinkDecoderStats,
  type LinkReceiverLimits,
} from './decoder.ts';
export { SessionTracker, type FrameClass, type FrameOrder, type SessionRef } from './session-tracker.ts';
