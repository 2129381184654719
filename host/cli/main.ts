import { UsageError, UserError } from './errors.ts';

/** A subcommand: its one-line summary for `wasmote --help`, and its runner taking the arguments after its name. */
export interface Subcommand {
  summary: string;
  run(args: string[]): Promise<number>;
}

const subcommands: Record<string, () => Promise<Subcommand>> = {
  build: async () => (await import('./build.ts')).buildCommand,
  sim: async () => (await import('./sim.ts')).simCommand,
  firmware: async () => (await import('./firmware.ts')).firmwareCommand,
  flash: async () => (await import('./flash.ts')).flashCommand,
  bench: async () => (await import('./bench.ts')).benchCommand,
  demo: async () => (await import('./demo.ts')).demoCommand,
};

async function usage(): Promise<string> {
  const lines = ['Usage: wasmote <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(subcommands)) {
    lines.push(`  ${name.padEnd(10)}${(await load()).summary}`);
  }
  lines.push('', 'Run `wasmote <command> --help` for the options of a command. Add --verbose for stack traces.');
  return lines.join('\n');
}

/** Runs the CLI; returns the process exit code. Errors for the user print without a stack unless --verbose. */
export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  const args = argv.filter((arg) => arg !== '--verbose');
  const [name, ...rest] = args;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      console.log(await usage());
      return name === undefined ? 2 : 0;
    }
    const load = subcommands[name];
    if (!load) throw new UsageError(`unknown command '${name}'`);
    return await (await load()).run(rest);
  } catch (error) {
    if (error instanceof UserError && !verbose) {
      console.error(`wasmote: ${error.message}`);
      if (error instanceof UsageError) console.error('Try `wasmote --help`.');
      return error.exitCode;
    }
    console.error(verbose || !(error instanceof Error) ? error : `wasmote: ${error.message}`);
    return 1;
  }
}
