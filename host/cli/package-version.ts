import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../build/paths.ts';

/** The version in the package's package.json. */
export function readPackageVersion(): string {
  return (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}
