/** The frame header's `type` byte (docs/link-protocol.md §3.1, §3.4). */
export const MessageType = {
  Hello: 0x01,
  Data: 0x02,
  Log: 0x03,
  Event: 0x04,
  Command: 0x05,
  CommandResult: 0x06,
  Metric: 0x07,
  Heartbeat: 0x08,
  ProxyRequest: 0x10,
  ProxyResponse: 0x11,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** §4.11: types kept for features to come; until one is specified a receiver drops it as `unknownType`. */
export const RESERVED_TYPE_RANGES = [
  { first: 0x20, last: 0x2f, use: 'app upload' },
  { first: 0x30, last: 0x3f, use: 'firmware update' },
  { first: 0x40, last: 0x4f, use: 'link control' },
  { first: 0xf0, last: 0xfe, use: 'experiments' },
] as const;

/** The message type names of §3.4, by type byte. */
const TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [MessageType.Hello, 'HELLO'],
  [MessageType.Data, 'DATA'],
  [MessageType.Log, 'LOG'],
  [MessageType.Event, 'EVENT'],
  [MessageType.Command, 'COMMAND'],
  [MessageType.CommandResult, 'COMMAND_RESULT'],
  [MessageType.Metric, 'METRIC'],
  [MessageType.Heartbeat, 'HEARTBEAT'],
  [MessageType.ProxyRequest, 'PROXY_REQUEST'],
  [MessageType.ProxyResponse, 'PROXY_RESPONSE'],
]);

/**
 * The detail of an `unknownType` drop (§6 check 7): a defined type a smaller receiver does not accept (§2), or
 * which reserved range `type` falls in, if any.
 */
export function unknownTypeDetail(type: number, accepts?: ReadonlySet<number>): string {
  const name = TYPE_NAMES.get(type);
  if (name !== undefined && accepts !== undefined && !accepts.has(type)) {
    return `type ${hex8(type)} (${name}) is not one this receiver accepts`;
  }
  const range = RESERVED_TYPE_RANGES.find(({ first, last }) => type >= first && type <= last);
  if (range === undefined) return `type ${hex8(type)} is not defined`;
  return `type ${hex8(type)} is reserved for ${range.use} (${hex8(range.first)}..${hex8(range.last)})`;
}

export function hex8(value: number): string {
  return `0x${value.toString(16).padStart(2, '0')}`;
}
