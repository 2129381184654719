import type { Clock } from './clock.ts';
import { FlasherError } from './errors.ts';
import type { BootloaderPort, ModemSignals } from './port.ts';

/**
 * How the flasher puts a board into its bootloader (BOOT0 high, then a reset) and, at the end, back into the
 * application, by driving DTR and RTS.
 *
 * Syntax: `ENTRY[:EXIT]`, each a comma-separated list of steps:
 *   `dtr` / `rts`     assert the signal (most USB-serial chips then drive the pin LOW)
 *   `-dtr` / `-rts`   deassert it (pin HIGH)
 *   `<n>ms`           wait n milliseconds
 * Signal steps with no wait between them are applied together. The OS asserts both signals when the port opens.
 */
export type ResetStep = { signal: keyof ModemSignals; asserted: boolean } | { waitMs: number };

export interface ResetSequence {
  entry: ResetStep[];
  exit: ResetStep[];
}

export const RESET_PRESETS: Record<string, { sequence: string; description: string }> = {
  none: { sequence: '', description: 'do nothing: set BOOT0 and press reset by hand' },
  'dtr-rts': {
    sequence: '-rts,dtr,100ms,-dtr,50ms:rts,dtr,100ms,-dtr',
    description: 'DTR wired to NRST, RTS to BOOT0 (active-low adapter outputs)',
  },
  'rts-dtr': {
    sequence: '-dtr,rts,100ms,-rts,50ms:dtr,rts,100ms,-rts',
    description: 'RTS wired to NRST, DTR to BOOT0 (active-low adapter outputs)',
  },
};

export const INITIAL_SIGNALS: ModemSignals = { dtr: true, rts: true };

function parseSteps(text: string): ResetStep[] {
  if (text.trim() === '') return [];
  return text.split(',').map((raw) => {
    const step = raw.trim().toLowerCase();
    const wait = /^(\d+)ms$/.exec(step);
    if (wait) return { waitMs: Number(wait[1]) };
    const signal = /^(-?)(dtr|rts)$/.exec(step);
    if (signal) return { signal: signal[2] as keyof ModemSignals, asserted: signal[1] === '' };
    throw new FlasherError(`reset sequence step '${raw}' is not dtr, -dtr, rts, -rts or <n>ms`);
  });
}

/** A preset name, or `ENTRY[:EXIT]` in the syntax above. */
export function parseResetSequence(text: string): ResetSequence {
  const source = RESET_PRESETS[text]?.sequence ?? text;
  const [entry = '', exit = '', ...rest] = source.split(':');
  if (rest.length > 0) throw new FlasherError(`reset sequence '${text}' has more than one ':'`);
  return { entry: parseSteps(entry), exit: parseSteps(exit) };
}

/** Plays steps on the port, starting from `signals`; returns the signals it leaves. */
export async function playResetSteps(port: BootloaderPort, steps: ResetStep[], signals: ModemSignals, clock: Clock): Promise<ModemSignals> {
  let current = { ...signals };
  let dirty = false;
  for (const step of steps) {
    if ('signal' in step) {
      current = { ...current, [step.signal]: step.asserted };
      dirty = true;
      continue;
    }
    if (dirty) await port.setSignals(current);
    dirty = false;
    await clock.sleep(step.waitMs);
  }
  if (dirty) await port.setSignals(current);
  return current;
}
