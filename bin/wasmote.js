#!/usr/bin/env node
// Entry point of the `wasmote` command: runs the CLI compiled to dist/ by `npm run build:ts` (run by `prepare`).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/host/cli/main.js', import.meta.url);
if (!existsSync(compiled)) {
  console.error('wasmote: dist/ is missing; in a clone of the source, run `npm run build:ts` (npm install runs it)');
  process.exit(1);
}
const { main } = await import(compiled.href);
process.exitCode = await main(process.argv.slice(2));
