import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPasswordFile, parsePasswordFile } from '../../../host/edge/broker/password-file.ts';
import { tempDir } from '../../../bench/peers.ts';
import { makePasswordFile } from './support.ts';

const dir = tempDir('password-file');
afterAll(() => dir.remove());

describe('a password file mosquitto_passwd wrote ($7$, PBKDF2-SHA512)', () => {
  it('takes each user with the right password only', async () => {
    const table = await loadPasswordFile(makePasswordFile(dir.path, { lab: 'lab-secret', 'view~alice': 'pässwörd' }));
    expect(table.usernames).toEqual(['lab', 'view~alice']);
    expect(await table.verify('lab', 'lab-secret')).toBe(true);
    expect(await table.verify('view~alice', Buffer.from('pässwörd'))).toBe(true);
    expect(await table.verify('lab', 'lab-secreT')).toBe(false);
    expect(await table.verify('lab', '')).toBe(false);
    expect(await table.verify('view~alice', 'lab-secret')).toBe(false);
    expect(await table.verify('nobody', 'lab-secret')).toBe(false);
  });
});

describe('parsePasswordFile', () => {
  it('reads the $6$ hashes of Mosquitto 1.x: SHA-512 of the password then the salt', async () => {
    const salt = Buffer.from('0123456789ab');
    const hash = createHash('sha512').update('old-secret').update(salt).digest();
    const table = parsePasswordFile(`# comment\n\nold:$6$${salt.toString('base64')}$${hash.toString('base64')}\n`);
    expect(await table.verify('old', 'old-secret')).toBe(true);
    expect(await table.verify('old', 'other')).toBe(false);
  });

  it.each([
    ['lab:plain-text', /line 1 \(lab\): not a hash.*mosquitto_passwd -U/],
    ['lab', /line 1: expected <username>:<hash>/],
    ['lab:$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA', /unsupported hash \$argon2id\$/],
    ['lab:$7$many$c2FsdA==$aGFzaA==', /bad iteration count many/],
    ['lab:$7$101$not*base64$aGFzaA==', /not base64/],
  ])('refuses %j, naming the line', (text, message) => {
    expect(() => parsePasswordFile(text, 'users.txt')).toThrow(message);
  });

  it('names a file it cannot read', async () => {
    await expect(loadPasswordFile(path.join(dir.path, 'missing'))).rejects.toThrow(/cannot read password file .*missing: ENOENT/);
  });

  it('counts line numbers from 1, comments included', () => {
    const file = path.join(dir.path, 'numbered');
    writeFileSync(file, '# one\n\nlab:oops\n');
    return expect(loadPasswordFile(file)).rejects.toThrow(/numbered line 3 \(lab\)/);
  });
});
