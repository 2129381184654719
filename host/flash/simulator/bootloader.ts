import type { ChipLine } from '../chips.ts';
import { PortError } from '../errors.ts';
import { hex32 } from '../image/firmware-image.ts';
import { ACK, Command, NACK, SYNC_BYTE } from '../protocol/commands.ts';
import type { CommandHandler, DeviceContext, Protection } from './device-context.ts';
import type { DeviceLine } from './device-line.ts';
import type { FaultInjector } from './faults.ts';
import { handleErase, handleExtendedErase } from './handlers/erase.ts';
import { handleGet, handleGetId, handleGetVersion } from './handlers/identify.ts';
import { handleGo, handleReadMemory, handleWriteMemory } from './handlers/memory.ts';
import { handleReadoutProtect, handleReadoutUnprotect, handleWriteProtect, handleWriteUnprotect } from './handlers/protection.ts';
import { TargetMemory } from './target-memory.ts';
import { BYTE_MASK } from '../protocol/frames.ts';

const HANDLERS: Record<number, CommandHandler> = {
  [Command.Get]: handleGet,
  [Command.GetVersion]: handleGetVersion,
  [Command.GetId]: handleGetId,
  [Command.ReadMemory]: handleReadMemory,
  [Command.Go]: handleGo,
  [Command.WriteMemory]: handleWriteMemory,
  [Command.Erase]: handleErase,
  [Command.ExtendedErase]: handleExtendedErase,
  [Command.WriteProtect]: handleWriteProtect,
  [Command.WriteUnprotect]: handleWriteUnprotect,
  [Command.ReadoutProtect]: handleReadoutProtect,
  [Command.ReadoutUnprotect]: handleReadoutUnprotect,
};

/** AN3155 §3 Table 2 note 2: with readout protection active, only these commands are served. */
const ALLOWED_WHEN_READ_PROTECTED = new Set<number>([Command.Get, Command.GetVersion, Command.GetId, Command.ReadoutUnprotect]);

/** Where the simulated chip is: waiting for 0x7F after reset, in the command loop, or running the application. */
export type BootloaderState = { mode: 'awaiting-sync' } | { mode: 'commands' } | { mode: 'running'; address: number };

export interface SimulatedBootloaderOptions {
  chip: ChipLine;
  flashBytes: number;
  line: DeviceLine;
  faults: FaultInjector;
  /** 1 for datasheet flash timings, 0 for instant erase and programming. */
  timeScale: number;
  /** Told of synchronisation, resets and jumps to the application, in words. */
  onEvent?: (event: string) => void;
}

/**
 * The device side of AN3155: after reset it waits for 0x7F (§1), then reads commands, checks each code against
 * its complement, and dispatches to one handler per command. It serves the commands of the chip's bootloader
 * (Erase or Extended Erase, never both) and NACKs anything else.
 */
export class SimulatedBootloader {
  readonly memory: TargetMemory;
  readonly protection: Protection = { readoutLevel: 0 };
  readonly commands: number[];
  state: BootloaderState = { mode: 'awaiting-sync' };
  /** Counts resets, including those after option-byte changes. */
  resets = 0;
  private readonly context: DeviceContext;

  constructor(private readonly options: SimulatedBootloaderOptions) {
    const { chip, flashBytes, line, timeScale } = options;
    this.memory = new TargetMemory(chip, flashBytes);
    const erase = chip.bootloader.eraseCommand;
    this.commands = Object.values(Command).filter((code) => code !== Command.Erase && code !== Command.ExtendedErase);
    this.commands.splice(this.commands.indexOf(Command.WriteMemory) + 1, 0, erase);
    this.context = { line, chip, memory: this.memory, protection: this.protection, commands: this.commands, timeScale };
  }

  /** A reset with BOOT0 high: the bootloader starts again and waits for 0x7F. */
  reset(): void {
    this.state = { mode: 'awaiting-sync' };
    this.resets++;
  }

  /** Serves the line until the port closes. */
  async run(): Promise<void> {
    try {
      for (;;) await this.step();
    } catch (error) {
      if (!(error instanceof PortError)) throw error;
    }
  }

  private async step(): Promise<void> {
    const { line, faults } = this.options;
    const byte = await line.readByte();
    switch (this.state.mode) {
      case 'running':
        return;
      case 'awaiting-sync':
        if (byte === SYNC_BYTE) {
          await line.send([ACK]);
          this.state = { mode: 'commands' };
          this.options.onEvent?.('host synchronised (0x7F)');
        }
        return;
      case 'commands': {
        const complement = await line.readByte();
        const handler = HANDLERS[byte];
        const refused =
          (byte ^ complement) !== BYTE_MASK ||
          !handler ||
          !this.commands.includes(byte) ||
          (this.protection.readoutLevel > 0 && !ALLOWED_WHEN_READ_PROTECTED.has(byte));
        if (refused || faults.onCommand(byte)) {
          await line.send([NACK]);
          return;
        }
        const outcome = await handler!(this.context);
        if (outcome.next === 'reset') {
          this.reset();
          this.options.onEvent?.('option bytes changed: chip reset, waiting for 0x7F');
        }
        if (outcome.next === 'run') {
          this.state = { mode: 'running', address: outcome.address };
          this.options.onEvent?.(`Go: application started at ${hex32(outcome.address)}; the bootloader no longer answers`);
        }
      }
    }
  }
}
