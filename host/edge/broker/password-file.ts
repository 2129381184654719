import { createHash, pbkdf2, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

/**
 * Mosquitto's password file (mosquitto_passwd(1)), so one file serves Mosquitto and the embedded broker: one
 * `<username>:<hash>` a line, `#` comments. Hashes as Mosquitto 2.0 writes and reads them (its
 * security_default.c / password_mosq.c):
 *   `$7$<iterations>$<salt base64>$<hash base64>`  PBKDF2-HMAC-SHA512, the hash as long as the stored one
 *   `$6$<salt base64>$<hash base64>`               SHA-512 of the password then the salt (Mosquitto 1.x)
 */

const pbkdf2Async = promisify(pbkdf2);

const PBKDF2_SHA512_TAG = '7';
const SHA512_TAG = '6';

type StoredHash =
  | { kind: 'pbkdf2-sha512'; iterations: number; salt: Buffer; hash: Buffer }
  | { kind: 'sha512'; salt: Buffer; hash: Buffer };

export class PasswordFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PasswordFileError';
  }
}

export interface PasswordTable {
  readonly usernames: readonly string[];
  /** True when `password` is the user's; false for a wrong password or an unknown user. */
  verify(username: string, password: Buffer | string): Promise<boolean>;
}

export async function loadPasswordFile(path: string): Promise<PasswordTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PasswordFileError(`cannot read password file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  return parsePasswordFile(text, path);
}

export function parsePasswordFile(text: string, source = 'password file'): PasswordTable {
  const users = new Map<string, StoredHash>();
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    // Mosquitto splits at the first ':'; mosquitto_passwd refuses usernames holding one.
    const separator = line.indexOf(':');
    const where = `${source} line ${index + 1}`;
    if (separator <= 0) throw new PasswordFileError(`${where}: expected <username>:<hash>`);
    const username = line.slice(0, separator).trim();
    users.set(username, parseHash(line.slice(separator + 1).trim(), `${where} (${username})`));
  });
  return {
    usernames: [...users.keys()],
    verify: async (username, password) => {
      const stored = users.get(username);
      // An unknown user costs as much as a known one, so timing does not tell which usernames exist.
      const candidate = await digest(stored ?? UNKNOWN_USER_HASH, Buffer.from(password));
      return stored !== undefined && candidate.length === stored.hash.length && timingSafeEqual(candidate, stored.hash);
    },
  };
}

const UNKNOWN_USER_HASH: StoredHash = {
  kind: 'pbkdf2-sha512',
  iterations: 101,
  salt: Buffer.alloc(12),
  hash: Buffer.alloc(64),
};

function parseHash(field: string, where: string): StoredHash {
  const parts = field.split('$');
  // A hash starts with '$', so parts[0] is empty.
  if (parts[0] !== '' || parts.length < 4) {
    const hint = 'a plain-text password? run mosquitto_passwd -U';
    throw new PasswordFileError(`${where}: not a hash mosquitto_passwd writes (${hint})`);
  }
  const tag = parts[1];
  if (tag === PBKDF2_SHA512_TAG && parts.length === 5) {
    const iterations = Number(parts[2]);
    if (!Number.isInteger(iterations) || iterations < 1) {
      throw new PasswordFileError(`${where}: bad iteration count ${parts[2]}`);
    }
    return { kind: 'pbkdf2-sha512', iterations, salt: base64(parts[3]!, where), hash: base64(parts[4]!, where) };
  }
  if (tag === SHA512_TAG && parts.length === 4) {
    return { kind: 'sha512', salt: base64(parts[2]!, where), hash: base64(parts[3]!, where) };
  }
  throw new PasswordFileError(`${where}: unsupported hash $${tag}$ (only $7$ PBKDF2-SHA512 and $6$ SHA-512)`);
}

function base64(text: string, where: string): Buffer {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw new PasswordFileError(`${where}: not base64: ${text}`);
  return Buffer.from(text, 'base64');
}

async function digest(stored: StoredHash, password: Buffer): Promise<Buffer> {
  if (stored.kind === 'sha512') return sha512(Buffer.concat([password, stored.salt]));
  return pbkdf2Async(password, stored.salt, stored.iterations, stored.hash.length, 'sha512');
}

/** `table` with one more user held in memory, e.g. the edge's own connection to its embedded broker. */
export function withUser(table: PasswordTable, username: string, password: string): PasswordTable {
  const expected = sha512(Buffer.from(password));
  return {
    usernames: table.usernames.includes(username) ? table.usernames : [...table.usernames, username],
    verify: async (candidateUser, candidatePassword) => {
      // Digests of equal length, so the comparison takes the same time whatever the candidate.
      if (candidateUser === username && timingSafeEqual(sha512(Buffer.from(candidatePassword)), expected)) return true;
      return table.verify(candidateUser, candidatePassword);
    },
  };
}

function sha512(bytes: Buffer): Buffer {
  return createHash('sha512').update(bytes).digest();
}
