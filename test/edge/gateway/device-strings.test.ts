import { describe, expect, it } from 'vitest';
import { DeviceStrings } from '../../../host/edge/gateway/device-strings.ts';

describe('DeviceStrings', () => {
  it('makes each device and kind its string once, and hands the same one out after', () => {
    const made: string[] = [];
    const topics = new DeviceStrings<'data' | 'log'>((device, kind) => {
      made.push(`${device}/${kind}`);
      return `wasmote/lab/${device}/${kind}`;
    });
    expect(topics.get('dev-1', 'data')).toBe('wasmote/lab/dev-1/data');
    expect(topics.get('dev-1', 'log')).toBe('wasmote/lab/dev-1/log');
    expect(topics.get('dev-2', 'data')).toBe('wasmote/lab/dev-2/data');
    for (let n = 0; n < 3; n++) expect(topics.get('dev-1', 'data')).toBe('wasmote/lab/dev-1/data');
    expect(made).toEqual(['dev-1/data', 'dev-1/log', 'dev-2/data']);
  });

  it('stays right past the devices it keeps', () => {
    const texts = new DeviceStrings<'data'>((device) => `${device}!`);
    for (let n = 0; n < 70_000; n++) expect(texts.get(`d${n % 66_000}`, 'data')).toBe(`d${n % 66_000}!`);
  });
});
