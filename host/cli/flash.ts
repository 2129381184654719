import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FLASH_BASE, SRAM_BASE, partByName, partNames, type ChipLine } from '../flash/chips.ts';
import { systemClock } from '../flash/clock.ts';
import { FlasherError } from '../flash/errors.ts';
import { flashFirmware } from '../flash/flasher.ts';
import { hex32, imageStart } from '../flash/image/firmware-image.ts';
import { loadImage } from '../flash/image/load.ts';
import { describeImage, type EraseMode } from '../flash/plan.ts';
import type { ModemSignals, Parity, PortOptions } from '../flash/port.ts';
import { StreamProgress } from '../flash/progress.ts';
import { commandName } from '../flash/protocol/commands.ts';
import { DEFAULT_TIMEOUTS } from '../flash/protocol/timeouts.ts';
import { INITIAL_SIGNALS, RESET_PRESETS, parseResetSequence, playResetSteps, type ResetSequence } from '../flash/reset-sequences.ts';
import { SerialBootloaderPort, listSerialPorts } from '../flash/serial-port.ts';
import { identify, type TargetInfo } from '../flash/session.ts';
import { startSimulator } from '../flash/simulator/start.ts';
import { describeTransit } from '../flash/simulator/transit.ts';
import { UsageError, UserError } from './errors.ts';

const DEFAULT_BAUD = 115200;
const DEFAULT_RETRIES = 4;
const DEFAULT_PART = 'stm32f405';
const BYTES_PER_KB = 1024;
const PORT_REQUIRED = '--port is required (see --list)';
const VERSION_NIBBLE_BITS = 4;
const NIBBLE_MASK = 0xf;

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
  --baud <rate>             default ${DEFAULT_BAUD}
  --parity even|none        default even: the bootloader speaks 8E1 (AN3155 §1); none only for a bridge
                            that cannot send parity (pseudo-terminals ignore it either way)
  --erase touched|all       erase only the sectors the image touches (default), or mass erase
  --verify                  read everything back and compare
  --go                      start the application when done (AN3155 Go)
  --reset-sequence <seq>    enter the bootloader by DTR/RTS: ${Object.keys(RESET_PRESETS).join(', ')} (default none),
                            or ENTRY[:EXIT] from dtr, -dtr, rts, -rts, <n>ms (see docs/flasher.md)
  --write-unprotect         remove write protection first
  --readout-unprotect       remove readout protection first (this erases the whole flash)
  --retries <n>             retries of a block write, erase or read after a NACK, timeout or garbage
                            (default ${DEFAULT_RETRIES})
  --info                    show bootloader version, commands, chip, flash and protection
  --list                    list serial ports

simulate: a simulated STM32 bootloader on a pseudo-terminal pair (needs socat), for trying the flasher
without a board. It prints the port to open and keeps running until Ctrl-C.
  --chip <part>             one of: ${partNames().join(', ')}
  --baud <rate>             the rate whose timing it reproduces (default ${DEFAULT_BAUD}, 8E1: 11 bits a byte)
  --link <path>             also make the port available as this symlink
  --parity even|none        the framing it paces: 8E1 (11 bits a byte, default) or 8N1 (10)
  --instant                 no baud-rate pacing and no flash timings
  --fault-nack <p>, --fault-drop <p>, --fault-garbage <p>, --seed <n>
                            random faults: NACK a command, lose a byte, send a garbage byte, with probability p`;

function parseNumber(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) throw new UsageError(`--${name} '${text}' is not a number`);
  return value;
}

function parseProbability(name: string, text: string | undefined): number {
  const value = parseNumber(name, text, 0);
  if (value > 1) throw new UsageError(`--${name} '${text}' is not a probability between 0 and 1`);
  return value;
}

function parseChoice<T extends string>(name: string, text: string | undefined, choices: readonly T[], fallback: T): T {
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, not '${text}'`);
  return text as T;
}

function parse<const T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function parseChip(text: string): number {
  const part = partByName(text);
  if (part) return part.chip.productId;
  const id = Number(text);
  if (text.trim() !== '' && Number.isInteger(id) && id > 0) return id;
  throw new UsageError(`--chip '${text}' is neither a part (${partNames().join(', ')}) nor a product ID`);
}

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

/** Checks the port options before anything is opened or read. */
function portChoice(values: { port?: string; baud?: string; parity?: string; 'reset-sequence'?: string }): PortChoice {
  if (values.port === undefined) throw new UsageError(PORT_REQUIRED);
  return {
    options: {
      path: values.port,
      baudRate: parseNumber('baud', values.baud, DEFAULT_BAUD),
      parity: parseChoice<Parity>('parity', values.parity, ['even', 'none'], 'even'),
    },
    sequence: parseResetSequence(values['reset-sequence'] ?? 'none'),
  };
}

/** Opens the port, plays the entry sequence, runs `body`, and closes the port whatever happens. */
async function withPort<T>(choice: PortChoice, body: (port: SerialBootloaderPort, signals: ModemSignals) => Promise<T>): Promise<T> {
  const port = await SerialBootloaderPort.open(choice.options);
  try {
    const signals = await playResetSteps(port, choice.sequence.entry, INITIAL_SIGNALS, systemClock);
    return await body(port, signals);
  } finally {
    await port.close();
  }
}

async function list(): Promise<number> {
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
  const { values, positionals } = parse(args, {
    chip: { type: 'string' },
    baud: { type: 'string' },
    link: { type: 'string' },
    parity: { type: 'string' },
    instant: { type: 'boolean' },
    'fault-nack': { type: 'string' },
    'fault-drop': { type: 'string' },
    'fault-garbage': { type: 'string' },
    seed: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const baudRate = parseNumber('baud', values.baud, DEFAULT_BAUD);
  const simulator = await startSimulator({
    part: values.chip ?? DEFAULT_PART,
    baudRate,
    parity: parseChoice<Parity>('parity', values.parity, ['even', 'none'], 'even'),
    realTime: !values.instant,
    ...(values.link === undefined ? {} : { link: values.link }),
    faultRates: {
      nack: parseProbability('fault-nack', values['fault-nack']),
      drop: parseProbability('fault-drop', values['fault-drop']),
      garbage: parseProbability('fault-garbage', values['fault-garbage']),
    },
    seed: parseNumber('seed', values.seed, 1),
    onEvent: (event) => console.log(`simulator: ${event}`),
  });
  const { memory } = simulator.bootloader;
  const { chip } = memory;
  console.log(
    `simulated ${(values.chip ?? DEFAULT_PART).toUpperCase()} bootloader: product ID 0x${chip.productId.toString(16)}, ` +
      `${memory.flash.flashBytes / BYTES_PER_KB} KB flash, ${values.instant ? 'instant' : `paced at ${baudRate} baud`}`,
  );
  if (!values.instant) console.log(`pseudo-terminal pair delay, taken off the timing: ${describeTransit(simulator.transit)}`);
  console.log(`port: ${simulator.portPath}`);
  if (values.link !== undefined) console.log(`link: ${simulator.linkPath} -> ${simulator.portPath}`);
  console.log(`flash with: wasmote flash --port ${values.link ?? simulator.portPath} --baud ${baudRate} firmware.bin`);
  console.log('Ctrl-C stops it.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await simulator.close();
  return 0;
}

async function flash(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    port: { type: 'string' },
    chip: { type: 'string' },
    address: { type: 'string' },
    baud: { type: 'string' },
    parity: { type: 'string' },
    erase: { type: 'string' },
    verify: { type: 'boolean' },
    go: { type: 'boolean' },
    'reset-sequence': { type: 'string' },
    'write-unprotect': { type: 'boolean' },
    'readout-unprotect': { type: 'boolean' },
    retries: { type: 'string' },
    info: { type: 'boolean' },
    list: { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.list) return list();
  if (values.info) {
    if (positionals.length > 0) throw new UsageError('--info takes no image');
    return withPort(portChoice(values), async (port) => {
      console.log(describeTarget(await identify(port, DEFAULT_TIMEOUTS)));
      return 0;
    });
  }
  if (positionals.length !== 1) throw new UsageError('give one image file (.bin, .hex or .elf), or --info, or --list');
  const choice = portChoice(values);
  const expectedProductId = values.chip === undefined ? undefined : parseChip(values.chip);
  const file = positionals[0]!;
  const erase = parseChoice<EraseMode>('erase', values.erase, ['touched', 'all'], 'touched');
  const retries = parseNumber('retries', values.retries, DEFAULT_RETRIES);
  if (!Number.isInteger(retries)) throw new UsageError('--retries must be a whole number');
  const address = values.address === undefined ? undefined : parseNumber('address', values.address, FLASH_BASE);
  const image = await loadImage(file, address ?? FLASH_BASE);
  if (address !== undefined && image.format !== 'binary' && imageStart(image) !== address) {
    throw new UserError(`${file} is linked for ${hex32(imageStart(image))}, not --address ${hex32(address)}`);
  }
  return withPort(choice, async (port, signals) => {
    process.stderr.write(`${file}: ${describeImage(image)}\n`);
    const report = await flashFirmware(port, image, {
      erase,
      verify: values.verify ?? false,
      go: values.go ?? false,
      writeUnprotect: values['write-unprotect'] ?? false,
      readoutUnprotect: values['readout-unprotect'] ?? false,
      attempts: retries + 1,
      ...(expectedProductId === undefined ? {} : { expectedProductId }),
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
