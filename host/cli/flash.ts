import { FLASH_BASE, SRAM_BASE, partByName, partNames, type ChipLine } from '../flash/chips.ts';
import { FlasherError } from '../flash/errors.ts';
import { hex32 } from '../flash/image/firmware-image.ts';
import type { EraseMode } from '../flash/plan.ts';
import type { ModemSignals, Parity, PortOptions } from '../flash/port.ts';
import { commandName } from '../flash/protocol/commands.ts';
import { RESET_PRESETS, parseResetSequence, type ResetSequence } from '../flash/reset-sequences.ts';
import type { SerialBootloaderPort } from '../flash/serial-port.ts';
import type { TargetInfo } from '../flash/session.ts';
import {
  choice,
  flag,
  integer,
  NON_NEGATIVE,
  parseCommandLine,
  POSITIVE,
  probability,
  readInteger,
  SEED_RANGE,
  text,
  value,
  type IntegerRange,
} from './arguments.ts';
import { UsageError, UserError } from './errors.ts';

const DEFAULT_BAUD = 115200;
const DEFAULT_RETRIES = 4;
const DEFAULT_PART = 'stm32f405';
const BYTES_PER_KB = 1024;
const PORT_REQUIRED = '--port is required (see --list)';
const VERSION_NIBBLE_BITS = 4;
const NIBBLE_MASK = 0xf;
/** The Cortex-M address space. */
const ADDRESS: IntegerRange = { min: 0, max: 0xffff_ffff, hex: true };
const RETRIES: IntegerRange = { min: 0, max: 100 };
/** AN3155 §3.3 (Get ID): the product ID is two bytes. */
const PRODUCT_ID = { min: 1, max: 0xffff };
/** The chip table is long: messages point to where it is listed. */
const PARTS_LISTED = '`wasmote flash --help` lists them';
const PARITIES = ['even', 'none'] as const satisfies readonly Parity[];
const ERASE_MODES = ['touched', 'all'] as const satisfies readonly EraseMode[];

const HELP_WIDTH = 110;
const HELP_INDENT = ' '.repeat(28);

/** Words joined by ', ' into lines of at most `width` characters. */
function wrapWords(words: string[], width: number): string[] {
  const lines = [''];
  for (const [index, word] of words.entries()) {
    const piece = index < words.length - 1 ? `${word}, ` : word;
    if (lines.at(-1)!.length + piece.trimEnd().length > width) lines.push('');
    lines[lines.length - 1] += piece;
  }
  return lines.map((line) => line.trimEnd());
}

const SIMULATE_DESCRIPTION = `a simulated STM32 bootloader on a pseudo-terminal pair (needs socat), for trying the flasher
without a board. It prints the port to open and keeps running until Ctrl-C.`;

const SIMULATE_OPTIONS_HELP = `  --chip <part>             a part from the chip table (default ${DEFAULT_PART}):
${HELP_INDENT}${wrapWords(partNames(), HELP_WIDTH - HELP_INDENT.length).join(`\n${HELP_INDENT}`)}
  --baud <rate>             the rate whose timing it reproduces, a positive whole number (default ${DEFAULT_BAUD},
                            8E1: 11 bits a byte)
  --link <path>             also make the port available as this symlink
  --parity even|none        the framing it paces: 8E1 (11 bits a byte, default) or 8N1 (10)
  --instant                 no baud-rate pacing and no flash timings
  --fault-nack <p>, --fault-drop <p>, --fault-garbage <p>, --seed <n>
                            random faults: NACK a command, lose a byte, send a garbage byte, each with
                            probability p from 0 to 1 (default 0), from seed n, 0 to ${SEED_RANGE.max} (default 1)`;

const HELP = `Usage: wasmote flash --port <path> <image.bin|.hex|.elf> [options]
       wasmote flash --port <path> --info
       wasmote flash --list
       wasmote flash simulate [--chip ${DEFAULT_PART}] [--baud ${DEFAULT_BAUD}] [--link <path>] [--instant]

Writes firmware to an STM32 through its ROM UART bootloader (ST AN3155), with a USB-serial adapter.

Options:
  --port <path>             serial port, e.g. /dev/ttyUSB0 (or the port \`flash simulate\` prints)
  --address <addr>          where a raw binary goes (default ${hex32(FLASH_BASE)}); a HEX or ELF file
                            carries its own addresses and is refused if they differ
  --chip <part|id>          refuse unless the board is this chip, e.g. stm32f405 or 0x413
  --baud <rate>             bits per second, a positive whole number (default ${DEFAULT_BAUD})
  --parity even|none        default even: the bootloader speaks 8E1 (AN3155 §1); none only for a bridge
                            that cannot send parity (pseudo-terminals ignore it either way)
  --erase touched|all       erase only the sectors the image touches (default), or mass erase
  --verify                  read everything back and compare
  --go                      start the application when done (AN3155 Go)
  --reset-sequence <seq>    enter the bootloader by DTR/RTS: ${Object.keys(RESET_PRESETS).join(', ')} (default none),
                            or ENTRY[:EXIT] from dtr, -dtr, rts, -rts, <n>ms (see docs/flasher.md)
  --write-unprotect         remove write protection first
  --readout-unprotect       remove readout protection first (this erases the whole flash)
  --retries <n>             retries of a block write, erase or read after a NACK, timeout or garbage,
                            ${RETRIES.min} to ${RETRIES.max} (default ${DEFAULT_RETRIES})
  --info                    show bootloader version, commands, chip, flash and protection
  --list                    list serial ports
  --help                    this text

simulate: ${SIMULATE_DESCRIPTION}
${SIMULATE_OPTIONS_HELP}`;

const SIMULATE_HELP = `Usage: wasmote flash simulate [options]

Runs ${SIMULATE_DESCRIPTION}

Options:
${SIMULATE_OPTIONS_HELP}
  --help                    this text`;

/** `--chip`: a part name, or a product ID in decimal or 0x hexadecimal. */
function readChip(text: string, option: string): number {
  const part = partByName(text);
  if (part) return part.chip.productId;
  const id = readInteger(text);
  if (id !== undefined && id >= PRODUCT_ID.min && id <= PRODUCT_ID.max) return id;
  throw new UsageError(`${option} '${text}' must be a part such as ${DEFAULT_PART} (${PARTS_LISTED}) or a product ID such as 0x413`);
}

/** `flash simulate --chip`: a part name. */
function readPart(text: string, option: string): string {
  if (partByName(text)) return text;
  throw new UsageError(`${option} '${text}' must be a part such as ${DEFAULT_PART} (${PARTS_LISTED})`);
}

function readResetSequence(text: string, option: string): ResetSequence {
  try {
    return parseResetSequence(text);
  } catch (error) {
    if (error instanceof FlasherError) throw new UsageError(`${option} '${text}': ${error.message}`);
    throw error;
  }
}

/** What opening the port needs, checked before anything is opened or read. */
const PORT_OPTIONS = {
  port: text(),
  baud: integer(POSITIVE, DEFAULT_BAUD),
  parity: choice(PARITIES, 'even'),
  'reset-sequence': value(readResetSequence, parseResetSequence('none')),
};

const FLASH_OPTIONS = {
  ...PORT_OPTIONS,
  chip: value(readChip),
  address: integer(ADDRESS),
  erase: choice(ERASE_MODES, 'touched'),
  verify: flag(),
  go: flag(),
  'write-unprotect': flag(),
  'readout-unprotect': flag(),
  retries: integer(RETRIES, DEFAULT_RETRIES),
  info: flag(),
  list: flag(),
};

const SIMULATE_OPTIONS = {
  chip: value(readPart, DEFAULT_PART),
  baud: integer(POSITIVE, DEFAULT_BAUD),
  link: text(),
  parity: choice(PARITIES, 'even'),
  instant: flag(),
  'fault-nack': probability(),
  'fault-drop': probability(),
  'fault-garbage': probability(),
  seed: integer(SEED_RANGE, 1),
};

function describeTarget(target: TargetInfo): string {
  const version = `${target.bootloaderVersion >> VERSION_NIBBLE_BITS}.${target.bootloaderVersion & NIBBLE_MASK}`;
  const lines = [
    `bootloader  version ${version}; commands ${target.commands.map((code) => commandName(code)).join(', ')}`,
    `chip        product ID 0x${target.productId.toString(16).padStart(3, '0')}${target.chip ? ` ${target.chip.name} (${target.chip.family})` : ' (not in the chip table)'}`,
  ];
  if (target.chip) lines.push(...describeChip(target.chip, target.flashBytes));
  lines.push(`protection  readout protection ${target.readProtected ? 'ON (RDP level 1): flash cannot be read or written' : 'off'}`);
  return lines.join('\n');
}

function describeChip(chip: ChipLine, flashBytes: number | undefined): string[] {
  const bytes = flashBytes ?? chip.maxFlashBytes;
  const groups: string[] = [];
  for (const sector of chip.sectors(bytes)) {
    const size = `${sector.bytes / BYTES_PER_KB} KB`;
    const last = groups.at(-1);
    const match = last?.match(/^(\d+)×(.*)$/);
    if (match && match[2] === size) groups[groups.length - 1] = `${Number(match[1]) + 1}×${size}`;
    else groups.push(`1×${size}`);
  }
  return [
    `flash       ${bytes / BYTES_PER_KB} KB at ${hex32(FLASH_BASE)}${flashBytes === undefined ? ' (size register unreadable: largest part assumed)' : ''}; sectors ${groups.join(', ')}`,
    `ram         ${chip.ram.bytes / BYTES_PER_KB} KB at ${hex32(SRAM_BASE)}; the bootloader uses the first ${chip.ram.bootloaderBytes / BYTES_PER_KB} KB`,
  ];
}

interface PortChoice {
  options: PortOptions;
  sequence: ResetSequence;
}

function portChoice(values: { port: string | undefined; baud: number; parity: Parity; 'reset-sequence': ResetSequence }): PortChoice {
  if (values.port === undefined) throw new UsageError(PORT_REQUIRED);
  return { options: { path: values.port, baudRate: values.baud, parity: values.parity }, sequence: values['reset-sequence'] };
}

/** Opens the port, plays the entry sequence, runs `body`, and closes the port whatever happens. */
async function withPort<T>(choice: PortChoice, body: (port: SerialBootloaderPort, signals: ModemSignals) => Promise<T>): Promise<T> {
  const [{ SerialBootloaderPort }, { INITIAL_SIGNALS, playResetSteps }, { systemClock }] = await Promise.all([
    import('../flash/serial-port.ts'),
    import('../flash/reset-sequences.ts'),
    import('../flash/clock.ts'),
  ]);
  const port = await SerialBootloaderPort.open(choice.options);
  try {
    const signals = await playResetSteps(port, choice.sequence.entry, INITIAL_SIGNALS, systemClock);
    return await body(port, signals);
  } finally {
    await port.close();
  }
}

async function list(): Promise<number> {
  const { listSerialPorts } = await import('../flash/serial-port.ts');
  const ports = await listSerialPorts();
  if (ports.length === 0) console.log('no serial ports found');
  for (const port of ports) {
    const usb = port.vendorId ? ` [${port.vendorId}:${port.productId}]` : '';
    const details = [port.manufacturer, port.serialNumber].filter(Boolean).join(' ');
    console.log(`${port.path}${usb}${details ? `  ${details}` : ''}`);
  }
  return 0;
}

async function simulate(args: string[]): Promise<number> {
  const line = parseCommandLine(args, SIMULATE_OPTIONS, { command: 'flash simulate' });
  if (line.help) {
    console.log(SIMULATE_HELP);
    return 0;
  }
  const { values } = line;
  const [{ startSimulator }, { describeTransit }] = await Promise.all([
    import('../flash/simulator/start.ts'),
    import('../flash/simulator/transit.ts'),
  ]);
  const simulator = await startSimulator({
    part: values.chip,
    baudRate: values.baud,
    parity: values.parity,
    realTime: !values.instant,
    ...(values.link === undefined ? {} : { link: values.link }),
    faultRates: { nack: values['fault-nack'], drop: values['fault-drop'], garbage: values['fault-garbage'] },
    seed: values.seed,
    onEvent: (event) => console.log(`simulator: ${event}`),
  });
  const { memory } = simulator.bootloader;
  const { chip } = memory;
  console.log(
    `simulated ${values.chip.toUpperCase()} bootloader: product ID 0x${chip.productId.toString(16)}, ` +
      `${memory.flash.flashBytes / BYTES_PER_KB} KB flash, ${values.instant ? 'instant' : `paced at ${values.baud} baud`}`,
  );
  if (!values.instant) console.log(`pseudo-terminal pair delay, taken off the timing: ${describeTransit(simulator.transit)}`);
  console.log(`port: ${simulator.portPath}`);
  if (values.link !== undefined) console.log(`link: ${simulator.linkPath} -> ${simulator.portPath}`);
  console.log(`flash with: wasmote flash --port ${values.link ?? simulator.portPath} --baud ${values.baud} firmware.bin`);
  console.log('Ctrl-C stops it.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await simulator.close();
  return 0;
}

async function flash(args: string[]): Promise<number> {
  const line = parseCommandLine(args, FLASH_OPTIONS, { command: 'flash', positionals: true });
  if (line.help) {
    console.log(HELP);
    return 0;
  }
  const { values, positionals } = line;
  if (values.list) return list();
  const [{ identify }, { DEFAULT_TIMEOUTS }] = await Promise.all([import('../flash/session.ts'), import('../flash/protocol/timeouts.ts')]);
  if (values.info) {
    if (positionals.length > 0) throw new UsageError('--info takes no image');
    return withPort(portChoice(values), async (port) => {
      console.log(describeTarget(await identify(port, DEFAULT_TIMEOUTS)));
      return 0;
    });
  }
  if (positionals.length !== 1) throw new UsageError('give one image file (.bin, .hex or .elf), or --info, or --list');
  const choice = portChoice(values);
  const file = positionals[0]!;
  const [{ systemClock }, { flashFirmware }, { imageStart }, { loadImage }, { describeImage }, { StreamProgress }, { playResetSteps }] =
    await Promise.all([
      import('../flash/clock.ts'),
      import('../flash/flasher.ts'),
      import('../flash/image/firmware-image.ts'),
      import('../flash/image/load.ts'),
      import('../flash/plan.ts'),
      import('../flash/progress.ts'),
      import('../flash/reset-sequences.ts'),
    ]);
  const image = await loadImage(file, values.address ?? FLASH_BASE);
  if (values.address !== undefined && image.format !== 'binary' && imageStart(image) !== values.address) {
    throw new UserError(`${file} is linked for ${hex32(imageStart(image))}, not --address ${hex32(values.address)}`);
  }
  return withPort(choice, async (port, signals) => {
    process.stderr.write(`${file}: ${describeImage(image)}\n`);
    const report = await flashFirmware(port, image, {
      erase: values.erase,
      verify: values.verify,
      go: values.go,
      writeUnprotect: values['write-unprotect'],
      readoutUnprotect: values['readout-unprotect'],
      attempts: values.retries + 1,
      ...(values.chip === undefined ? {} : { expectedProductId: values.chip }),
      timeouts: DEFAULT_TIMEOUTS,
      progress: new StreamProgress(process.stderr, systemClock),
      clock: systemClock,
    });
    if (!values.go) await playResetSteps(port, choice.sequence.exit, signals, systemClock);
    const { chip } = report.plan;
    console.log(
      `flashed ${report.plan.bytes} bytes to ${chip.name}${values.verify ? ', verified' : ''}` +
        `${values.go ? `, started at ${hex32(report.plan.startAddress)}` : ''}` +
        `${report.recoveries > 0 ? ` (${report.recoveries} retries)` : ''}`,
    );
    return 0;
  });
}

export async function runFlash(args: string[]): Promise<number> {
  try {
    return args[0] === 'simulate' ? await simulate(args.slice(1)) : await flash(args);
  } catch (error) {
    if (error instanceof FlasherError) throw new UserError(error.message);
    throw error;
  }
}
