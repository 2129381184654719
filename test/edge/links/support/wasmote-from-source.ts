/** The `wasmote` command run from the TypeScript sources (through tsx), so a test needs no `npm run build:ts`. */
import { main } from '../../../../host/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
