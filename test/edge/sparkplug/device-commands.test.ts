import { describe, expect, it } from 'vitest';
import { CONTROL_METRICS } from '../../../host/edge/sparkplug/control-metrics.ts';
import { commandsForWrites } from '../../../host/edge/sparkplug/device-commands.ts';
import { sensorNodeBirth, statusOf } from './support/gateway-fixtures.ts';

const control = (name: string) => CONTROL_METRICS.find((metric) => metric.name === name)!;
const status = statusOf(sensorNodeBirth('sim-3fa2-0000'), { led: { mode: 'on', periodMs: 750, level: 1 } });

describe('DCMD writes as §5.1 commands', () => {
  it('makes one led command of a mode and a period written together', () => {
    const { requests } = commandsForWrites(
      [
        { metric: control('LED/Period ms'), value: 250n },
        { metric: control('LED/Mode'), value: 'blink' },
      ],
      status,
    );
    expect(requests).toEqual([{ command: 'led', payload: { mode: 'blink', periodMs: 250 } }]);
  });

  it('blinks at a period written alone, and keeps the reported period for blink alone', () => {
    expect(commandsForWrites([{ metric: control('LED/Period ms'), value: 100 }], status).requests).toEqual([
      { command: 'led', payload: { mode: 'blink', periodMs: 100 } },
    ]);
    expect(commandsForWrites([{ metric: control('LED/Mode'), value: 'blink' }], status).requests).toEqual([
      { command: 'led', payload: { mode: 'blink', periodMs: 750 } },
    ]);
    expect(commandsForWrites([{ metric: control('LED/Mode'), value: 'off' }], null).requests).toEqual([
      { command: 'led', payload: { mode: 'off' } },
    ]);
  });

  it('runs Rebirth and Reboot only when written true', () => {
    const { requests, rejections } = commandsForWrites(
      [
        { metric: control('Device Control/Rebirth'), value: false },
        { metric: control('Device Control/Reboot'), value: true },
      ],
      status,
    );
    expect(requests).toEqual([{ command: 'reboot', payload: {} }]);
    expect(rejections).toEqual([]);
  });

  it('leaves range checks to the gateway, and rejects values of the wrong kind and read-only metrics', () => {
    const { requests, rejections } = commandsForWrites(
      [
        { metric: control('Report/Interval ms'), value: 5 },
        { metric: control('LED/Brightness'), value: -1 },
        { metric: control('LED/Mode'), value: 3 },
        { metric: control('Device Control/Reboot'), value: 'yes' },
        { metric: control('Device/Boot Count'), value: 4 },
        { metric: control('Device Control/Last Result'), value: '{}' },
        { metric: control('LED/Period ms'), value: null },
      ],
      status,
    );
    expect(requests).toEqual([{ command: 'interval', payload: { ms: 5 } }]);
    expect(rejections).toEqual(['bad-value', 'bad-value', 'bad-value', 'read-only', 'read-only', 'bad-value']);
  });
});
