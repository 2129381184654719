import { describe, expect, it } from 'vitest';
import { accessTokenProblem, generateAccessToken, requestToken, tokenMatches } from '../../host/dashboard/access-token.ts';

describe('the dashboard access token', () => {
  it('is drawn anew each time: 32 base64url characters, fit for a URL', () => {
    const first = generateAccessToken();
    expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(generateAccessToken()).not.toBe(first);
    expect(accessTokenProblem(first)).toBeNull();
  });

  it.each([
    ['short', 'must be at least 16 characters long'],
    ['<script>alert(1)</script>', 'may hold only letters, digits, "-" and "_"'],
    ['sixteen chars ok?', 'may hold only letters'],
  ])('refuses %j as a configured token: %s', (token, problem) => {
    expect(accessTokenProblem(token)).toContain(problem);
  });

  it('matches only the exact token, from ?token= or Authorization: Bearer', () => {
    const token = 'abcdefghijklmnop';
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(token, 'abcdefghijklmno')).toBe(false);
    expect(tokenMatches(token, 'abcdefghijklmnopq')).toBe(false);
    expect(tokenMatches(token, null)).toBe(false);
    expect(requestToken(new URL('http://e/?token=abc'), undefined)).toBe('abc');
    expect(requestToken(new URL('http://e/'), 'Bearer xyz')).toBe('xyz');
    expect(requestToken(new URL('http://e/'), 'Basic xyz')).toBeNull();
  });
});
