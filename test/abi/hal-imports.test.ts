import { describe, expect, it } from 'vitest';
import { AppInstance, compileAppModule } from '../../host/abi/app-instance.ts';
import { RecordingPort } from '../support/recording-port.ts';
import { testAppBytes } from '../support/apps.ts';

// docs/hal-abi.md §3, restated.
const OK = 0;
const NACK_ADDRESS = 1;
const BAD_ARGUMENT = 5;
const UNSUPPORTED = 6;

describe('HAL imports check every argument (docs/hal-abi.md §3, §4)', async () => {
  const module = await compileAppModule(await testAppBytes('abi-probe'));
  const port = new RecordingPort();
  const app = new AppInstance(module, { port, seed: 1 });
  app.init();
  app.tick(0);
  const reported = new Map(app.metrics.takeReported().map(({ id, value }) => [id, value]));

  it.each([
    [2, 'metric_declare during init', OK],
    [3, 'metric_declare with an upper-case name', BAD_ARGUMENT],
    [4, 'metric_declare outside init', BAD_ARGUMENT],
    [5, 'i2c_write to an address nobody answers', NACK_ADDRESS],
    [6, 'i2c_write from a pointer outside memory', BAD_ARGUMENT],
    [7, 'i2c_write to a reserved address (0x03)', BAD_ARGUMENT],
    [8, 'i2c_read of zero bytes', BAD_ARGUMENT],
    [9, 'gpio_write to a pin that is not an output', BAD_ARGUMENT],
    [10, 'gpio_mode output', OK],
    [11, 'gpio_write to an output', OK],
    [12, 'gpio_mode on a pin the board lacks', UNSUPPORTED],
    [13, 'pwm_set with duty 70000', BAD_ARGUMENT],
    [14, 'clock_us into a pointer past the end', BAD_ARGUMENT],
    [15, 'delay_us of 2 s', BAD_ARGUMENT],
    [16, 'log of 300 bytes', BAD_ARGUMENT],
    [17, 'metric_report of NaN', BAD_ARGUMENT],
    [18, 'metric_report of an undeclared id', BAD_ARGUMENT],
  ])('metric %i: %s → %i', (id, _what, status) => {
    expect(reported.get(id)).toBe(status);
  });

  it('does not let rejected calls reach the port', () => {
    // Only the valid I2C write (metric 5) and the two valid GPIO calls reach the board.
    expect(port.calls).toEqual(['i2c 72 w2 r0', 'gpio-write 0 1', 'gpio-mode 0 1', 'gpio-write 0 1']);
  });

  it('keeps only the declarations made in init, without the rejected one', () => {
    expect(app.metrics.descriptors.map((metric) => metric.id)).toEqual([0, ...Array.from({ length: 18 }, (_, i) => i + 2)]);
  });
});
