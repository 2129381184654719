import { chipById } from './chips.ts';
import type { Clock } from './clock.ts';
import { FlasherError, PlanError, RetriesExhaustedError } from './errors.ts';
import { hex32, type FirmwareImage } from './image/firmware-image.ts';
import { planFlash, type EraseMode, type FlashPlan } from './plan.ts';
import type { BootloaderPort } from './port.ts';
import type { Progress } from './progress.ts';
import { Command, ExtendedEraseSpecial } from './protocol/commands.ts';
import { eraseAll, erasePages } from './protocol/erase.ts';
import { extendedErasePages, extendedEraseSpecial } from './protocol/extended-erase.ts';
import { go } from './protocol/go.ts';
import { readMemory } from './protocol/read-memory.ts';
import { readoutUnprotect } from './protocol/readout-unprotect.ts';
import { sync } from './protocol/sync.ts';
import type { Timeouts } from './protocol/timeouts.ts';
import { writeMemory } from './protocol/write-memory.ts';
import { writeUnprotect } from './protocol/write-unprotect.ts';
import { withRetries, type RetryCounter } from './retry.ts';
import { identify, type TargetInfo } from './session.ts';

export interface FlashSettings {
  erase: EraseMode;
  verify: boolean;
  /** Start the application (AN3155 §3.5 Go) at the image's lowest address when done. */
  go: boolean;
  /** Remove write protection first (AN3155 §3.10). */
  writeUnprotect: boolean;
  /** Remove readout protection first, which mass erases the chip (AN3155 §3.12). */
  readoutUnprotect: boolean;
  /** Refuse to flash unless the bootloader reports this product ID (AN3155 §3.3). */
  expectedProductId?: number;
  /** Attempts per exchange (block write, sector erase, block read). */
  attempts: number;
  timeouts: Timeouts;
  progress: Progress;
  clock: Clock;
}

export interface FlashReport {
  target: TargetInfo;
  plan: FlashPlan;
  eraseMs: number;
  writeMs: number;
  verifyMs: number;
  /** Re-synchronisations after a NACK, timeout or garbage. */
  recoveries: number;
}

/**
 * Writes the plan's blocks in order, each block's command sent on the ACK that ends the block before it. A block
 * that fails is retried from its own command, after re-synchronising.
 */
async function writeBlocks(port: BootloaderPort, plan: FlashPlan, settings: FlashSettings, counter: RetryCounter, resync: () => Promise<void>): Promise<void> {
  settings.progress.begin('write', plan.bytes);
  let commandSent = false;
  for (const [index, block] of plan.blocks.entries()) {
    const sendNextCommand = index < plan.blocks.length - 1;
    await withRetries(`writing ${hex32(block.address)}`, settings.attempts, counter, async () => {
      const chain = { commandSent, sendNextCommand };
      commandSent = false;
      await writeMemory(port, block.address, block.data, settings.timeouts, chain);
      commandSent = sendNextCommand;
    }, resync);
    settings.progress.advance(block.data.length);
  }
  settings.progress.end();
}

/** Datasheet flash timings are typical; the maxima are about twice them. */
const MAX_OVER_TYPICAL = 2;

/**
 * Flashes an image through a bootloader reached on `port` (already in bootloader mode): identify the chip, plan
 * and check the image against it (nothing is erased before this passes), erase, write in 256-byte blocks, verify
 * by reading back, and optionally start the application.
 */
export async function flashFirmware(port: BootloaderPort, image: FirmwareImage, settings: FlashSettings): Promise<FlashReport> {
  const { timeouts, clock, attempts } = settings;
  const counter: RetryCounter = { recoveries: 0 };
  let target = await identify(port, timeouts, attempts, counter);
  let plan = checkedPlan(image, target, settings);
  const resync = (): Promise<void> => sync(port, timeouts);

  if (settings.readoutUnprotect && target.readProtected) {
    // The flash size register is unreadable until now: the check above assumed the largest part.
    await readoutUnprotect(port, timeouts);
    target = await identify(port, timeouts, attempts, counter);
    plan = checkedPlan(image, target, settings);
  }
  if (settings.writeUnprotect) {
    await writeUnprotect(port, timeouts);
    target = await identify(port, timeouts, attempts, counter);
  }

  let startMs = clock.nowMs();
  await erase(port, target, plan, settings, counter, resync);
  const eraseMs = clock.nowMs() - startMs;

  startMs = clock.nowMs();
  await writeBlocks(port, plan, settings, counter, resync);
  const writeMs = clock.nowMs() - startMs;

  startMs = clock.nowMs();
  if (settings.verify) await verify(port, plan, settings, counter, resync);
  const verifyMs = clock.nowMs() - startMs;

  if (settings.go) await go(port, plan.startAddress, timeouts);
  return { target, plan, eraseMs, writeMs, verifyMs, recoveries: counter.recoveries };
}

function checkedPlan(image: FirmwareImage, target: TargetInfo, settings: FlashSettings): FlashPlan {
  const { chip } = target;
  const expected = settings.expectedProductId;
  if (expected !== undefined && expected !== target.productId) {
    const name = (id: number): string => `0x${id.toString(16)}${chipById(id) ? ` (${chipById(id)!.name})` : ''}`;
    throw new PlanError(`wrong chip: the bootloader reports product ID ${name(target.productId)}, not ${name(expected)}`);
  }
  if (!chip) {
    throw new PlanError(`unknown product ID 0x${target.productId.toString(16)}: not in the chip table, so the image cannot be checked`);
  }
  if (target.readProtected && !settings.readoutUnprotect) {
    throw new PlanError(`${chip.name} is read-protected (RDP level 1): --readout-unprotect removes it, erasing the whole flash`);
  }
  return planFlash(image, chip, target.flashBytes ?? chip.maxFlashBytes, settings.erase);
}

async function erase(
  port: BootloaderPort,
  target: TargetInfo,
  plan: FlashPlan,
  settings: FlashSettings,
  counter: RetryCounter,
  resync: () => Promise<void>,
): Promise<void> {
  const { timeouts } = settings;
  const extended = target.commands.includes(Command.ExtendedErase);
  if (!extended && !target.commands.includes(Command.Erase)) throw new FlasherError('the bootloader offers no erase command');
  if (plan.erase === 'all') {
    settings.progress.begin('erase', plan.flashBytes);
    await withRetries('mass erase', settings.attempts, counter, () =>
      extended ? extendedEraseSpecial(port, ExtendedEraseSpecial.Mass, timeouts.massEraseMs, timeouts) : eraseAll(port, timeouts),
    resync);
    settings.progress.advance(plan.flashBytes);
    settings.progress.end();
    return;
  }
  settings.progress.begin('erase', plan.erase.reduce((sum, sector) => sum + sector.bytes, 0));
  for (const sector of plan.erase) {
    const timeoutMs = timeouts.replyMs + MAX_OVER_TYPICAL * plan.chip.timing.eraseMs(sector.bytes);
    const eraseSector = (): Promise<void> =>
      extended ? extendedErasePages(port, [sector.index], timeoutMs, timeouts) : erasePages(port, [sector.index], timeoutMs, timeouts);
    try {
      await withRetries(`erasing sector ${sector.index} at ${hex32(sector.address)}`, settings.attempts, counter, eraseSector, resync);
    } catch (error) {
      const refused = error instanceof RetriesExhaustedError && error.last.failure === 'nack';
      throw refused ? new FlasherError(`${error.message} (write-protected sectors are refused: --write-unprotect removes the protection)`) : error;
    }
    settings.progress.advance(sector.bytes);
  }
  settings.progress.end();
}

async function verify(
  port: BootloaderPort,
  plan: FlashPlan,
  settings: FlashSettings,
  counter: RetryCounter,
  resync: () => Promise<void>,
): Promise<void> {
  settings.progress.begin('verify', plan.bytes);
  for (const block of plan.blocks) {
    const read = await withRetries(`reading back ${hex32(block.address)}`, settings.attempts, counter, () =>
      readMemory(port, block.address, block.data.length, settings.timeouts),
    resync);
    const mismatch = block.data.findIndex((byte, i) => read[i] !== byte);
    if (mismatch >= 0) {
      const at = block.address + mismatch;
      throw new FlasherError(
        `verify failed at ${hex32(at)}: wrote 0x${hexByte(block.data[mismatch]!)}, read back 0x${hexByte(read[mismatch]!)}`,
      );
    }
    settings.progress.advance(block.data.length);
  }
  settings.progress.end();
}

function hexByte(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
