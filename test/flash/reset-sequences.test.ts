import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../host/flash/clock.ts';
import { FlasherError } from '../../host/flash/errors.ts';
import { parseResetSequence, playResetSteps } from '../../host/flash/reset-sequences.ts';
import { ScriptedPort } from '../../host/flash/scripted-port.ts';

describe('reset sequences', () => {
  it('parses ENTRY:EXIT with signals and waits', () => {
    expect(parseResetSequence('-rts,dtr,100ms,-dtr:rts')).toEqual({
      entry: [{ signal: 'rts', asserted: false }, { signal: 'dtr', asserted: true }, { waitMs: 100 }, { signal: 'dtr', asserted: false }],
      exit: [{ signal: 'rts', asserted: true }],
    });
    expect(parseResetSequence('none')).toEqual({ entry: [], exit: [] });
  });

  it('knows the dtr-rts preset: BOOT0 high (RTS released), reset pulse on DTR', () => {
    expect(parseResetSequence('dtr-rts')).toEqual(parseResetSequence('-rts,dtr,100ms,-dtr,50ms:rts,dtr,100ms,-dtr'));
  });

  it.each(['dtr,boot0', 'dtr,10s', 'a:b:c'])('refuses %s', (text) => {
    expect(() => parseResetSequence(text)).toThrow(FlasherError);
  });

  it('applies neighbouring signals together and waits on the clock', async () => {
    const clock = new ManualClock();
    const port = new ScriptedPort(
      [{ signals: { dtr: true, rts: false } }, { signals: { dtr: false, rts: false } }],
      clock,
    );
    const { entry } = parseResetSequence('dtr-rts');
    const final = await playResetSteps(port, entry, { dtr: true, rts: true }, clock);
    port.assertDone();
    expect(final).toEqual({ dtr: false, rts: false });
    expect(clock.nowMs()).toBe(150);
  });
});
