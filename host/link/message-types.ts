/** The frame header's `type` byte (docs/link-protocol.md §3.1, §4). */
export const MessageType = {
  Hello: 0x01,
  Data: 0x02,
  Log: 0x03,
  Event: 0x04,
  Command: 0x05,
  CommandResult: 0x06,
  ProxyRequest: 0x10,
  ProxyResponse: 0x11,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** §4.9: reserved for app upload; until specified a receiver drops them as `unknownType`. */
export const APP_UPLOAD_TYPE_FIRST = 0x20;
export const APP_UPLOAD_TYPE_LAST = 0x2f;
