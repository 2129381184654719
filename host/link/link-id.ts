/**
 * docs/link-protocol.md §3.3 `id`: device ids, board and app names. 1..32 bytes of [A-Za-z0-9._-], so each is safe
 * as one MQTT topic level, a file name and a URL path segment.
 */
export const LINK_ID_MAX_BYTES = 32;
const LINK_ID_PATTERN = /^[A-Za-z0-9._-]{1,32}$/;

export function isLinkId(value: string): boolean {
  return LINK_ID_PATTERN.test(value);
}

/** Why `value` is not an id, or null when it is one; the wording suits "<what> <problem>" messages. */
export function linkIdProblem(value: string): string | null {
  if (value.length === 0) return 'is empty';
  if (Buffer.byteLength(value) > LINK_ID_MAX_BYTES) return `is over ${LINK_ID_MAX_BYTES} bytes`;
  const bad = [...value].find((character) => !LINK_ID_PATTERN.test(character));
  return bad === undefined ? null : `contains ${JSON.stringify(bad)}; only A-Z a-z 0-9 . _ - are allowed`;
}

/** A file name made into an id: every other character becomes `_`, cut to 32 bytes; `app` if nothing is left. */
export function linkIdFromName(name: string): string {
  const id = [...name].map((character) => (LINK_ID_PATTERN.test(character) ? character : '_')).join('').slice(0, LINK_ID_MAX_BYTES);
  return id.length === 0 ? 'app' : id;
}

/** Fleet device ids are `<prefix>-<index>`; a prefix leaves room for a 5-digit index. */
export const MAX_ID_PREFIX_BYTES = LINK_ID_MAX_BYTES - 6;

/** Why `prefix` cannot start fleet device ids, or null when it can. */
export function idPrefixProblem(prefix: string): string | null {
  if (Buffer.byteLength(prefix) > MAX_ID_PREFIX_BYTES) return `is over ${MAX_ID_PREFIX_BYTES} bytes`;
  return linkIdProblem(prefix);
}
