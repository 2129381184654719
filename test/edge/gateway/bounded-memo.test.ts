import { describe, expect, it } from 'vitest';
import { BoundedMemo } from '../../../host/edge/gateway/bounded-memo.ts';

describe('BoundedMemo', () => {
  it('makes each key its value once, and hands the same one out after', () => {
    const made: string[] = [];
    const topics = new BoundedMemo(8, (device: string) => {
      made.push(device);
      return { topic: `wasmote/lab/${device}/data` };
    });
    const first = topics.get('dev-1');
    expect(first).toEqual({ topic: 'wasmote/lab/dev-1/data' });
    expect(topics.get('dev-2')).toEqual({ topic: 'wasmote/lab/dev-2/data' });
    for (let n = 0; n < 3; n++) expect(topics.get('dev-1')).toBe(first);
    expect(made).toEqual(['dev-1', 'dev-2']);
  });

  it('starts over past its limit and stays right', () => {
    let made = 0;
    const texts = new BoundedMemo(100, (value: number) => {
      made++;
      return String(value);
    });
    for (let n = 0; n < 1000; n++) expect(texts.get(n % 150)).toBe(String(n % 150));
    // 150 keys in turn through room for 100: every lookup past the first hundred finds its key forgotten.
    expect(made).toBeGreaterThan(150);
    expect(made).toBeLessThanOrEqual(1000);
  });
});
