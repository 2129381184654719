import { UsageError, UserError } from './errors.ts';
import { watchStdout } from './output.ts';

/** A subcommand's runner: takes the arguments after its name (and whether --verbose was given), returns the exit code. */
export type RunCommand = (args: string[], context: { verbose: boolean }) => Promise<number>;

interface CommandEntry {
  /** The line `wasmote --help` prints: kept here so usage loads no subcommand module. */
  summary: string;
  load(): Promise<RunCommand>;
}

const COMMANDS: Record<string, CommandEntry> = {
  build: {
    summary: 'compile the AssemblyScript apps (debug and release) and print their sizes',
    load: async () => (await import('./build.ts')).runBuild,
  },
  sim: {
    summary: 'run an app on simulated devices and print their telemetry',
    load: async () => (await import('./sim.ts')).runSim,
  },
  firmware: {
    summary: 'build STM32F4 firmware from an app; run it in QEMU against the virtual chips',
    load: async () => (await import('./firmware.ts')).runFirmware,
  },
  flash: {
    summary: 'flash an STM32 through its ROM UART bootloader (AN3155), or simulate one',
    load: async () => (await import('./flash.ts')).runFlash,
  },
  model: {
    summary: 'train the edge anomaly detector on simulated data, or evaluate it on labelled scenarios',
    load: async () => (await import('./model.ts')).runModel,
  },
  edge: {
    summary: 'the edge gateway: device links in, the MQTT topic tree of docs/mqtt.md out, commands back',
    load: async () => (await import('./edge.ts')).runEdge,
  },
  worker: {
    summary: 'a processing worker: scores its share of the edges\' window messages (MQTT 5 shared subscription)',
    load: async () => (await import('./worker.ts')).runWorker,
  },
  demo: {
    summary: 'the default demo (`npm start`): simulated sensor nodes in real time',
    load: async () => (await import('./demo.ts')).runDemo,
  },
};

function usage(): string {
  const lines = ['Usage: wasmote <command> [options]', '', 'Commands:'];
  for (const [name, { summary }] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)}${summary}`);
  lines.push('', 'Run `wasmote <command> --help` for the options of a command. Add --verbose for stack traces.');
  return lines.join('\n');
}

/** Runs the CLI; returns the process exit code. Errors for the user print without a stack unless --verbose. */
export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  const args = argv.filter((arg) => arg !== '--verbose');
  const [name, ...rest] = args;
  watchStdout();
  try {
    if (name === undefined) {
      console.error(usage());
      return 2;
    }
    if (name === '--help' || name === '-h' || name === 'help') {
      console.log(usage());
      return 0;
    }
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!command) throw new UsageError(`unknown command '${name}'`);
    return await (await command.load())(rest, { verbose });
  } catch (error) {
    if (error instanceof UserError && !verbose) {
      console.error(`wasmote: ${error.message}`);
      if (error instanceof UsageError) {
        const command = error.command ?? (name !== undefined && Object.hasOwn(COMMANDS, name) ? name : undefined);
        console.error(`Try \`wasmote ${command === undefined ? '' : `${command} `}--help\`.`);
      }
      return error.exitCode;
    }
    console.error(verbose || !(error instanceof Error) ? error : `wasmote: ${error.message}`);
    return 1;
  }
}
