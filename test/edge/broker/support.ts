import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** A password file written by mosquitto_passwd itself, so the embedded broker is tested on the real format. */
export function makePasswordFile(dir: string, users: Record<string, string>): string {
  const file = path.join(dir, `passwords-${Math.random().toString(16).slice(2, 8)}`);
  writeFileSync(file, '');
  for (const [user, password] of Object.entries(users)) execFileSync('mosquitto_passwd', ['-b', file, user, password]);
  return file;
}

/** The shipped ACL, as a site would install it. */
export const SHIPPED_ACL_FILE = path.resolve(import.meta.dirname, '../../../docs/mosquitto/acl');
