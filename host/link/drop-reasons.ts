/**
 * Why a receiver dropped a segment (docs/link-protocol.md §6), in the order the checks run.
 * The names are shared with the vectors in test/vectors/link-frames.json and the C codec's counters.
 */
export const DROP_REASONS = ['oversize', 'cobs', 'short', 'crc', 'version', 'unknownType', 'malformed'] as const;
export type DropReason = (typeof DROP_REASONS)[number];
