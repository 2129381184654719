import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The dashboard's access token (docs/dashboard.md, "Access"): drawn at each start unless one is configured, given
 * in the page's URL (`?token=…`) and checked on the page and on the feed's WebSocket upgrade.
 */

/** 24 random bytes: 32 base64url characters. */
const TOKEN_BYTES = 24;
/** A configured token must be at least this long, in the same URL-safe alphabet the generated one uses. */
export const MIN_TOKEN_CHARACTERS = 16;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]+$/;

export function generateAccessToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Why a configured token cannot be used, or null when it can. */
export function accessTokenProblem(token: string): string | null {
  if (!TOKEN_PATTERN.test(token)) return 'may hold only letters, digits, "-" and "_" (it travels in a URL)';
  if (token.length < MIN_TOKEN_CHARACTERS) return `must be at least ${MIN_TOKEN_CHARACTERS} characters long`;
  return null;
}

/** Compares in constant time, so the time an answer takes tells nothing of the token. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request carries: `?token=` in its URL, or `Authorization: Bearer <token>`. */
export function requestToken(url: URL, authorization: string | undefined): string | null {
  const fromQuery = url.searchParams.get('token');
  if (fromQuery !== null) return fromQuery;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1] ?? null;
}
