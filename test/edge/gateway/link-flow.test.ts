import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { DeviceLink } from '../../../host/edge/links/link.ts';
import { LinkFlow } from '../../../host/edge/gateway/link-flow.ts';

const WAITING = { pauseAt: 100, resumeBelow: 20 };

/** A link that records whether it is reading; closeNow() reports the close as a transport would. */
function link(): DeviceLink & { reading: boolean; closeNow(): void } {
  const closers: ((reason: 'closed') => void)[] = [];
  return {
    name: 'test',
    reading: true,
    write: () => {},
    onData: () => {},
    onClose: (listener) => closers.push(listener),
    pause() {
      this.reading = false;
    },
    resume() {
      this.reading = true;
    },
    close: async () => {},
    closeNow: () => closers.forEach((close) => close('closed')),
  };
}

describe('LinkFlow (docs/edge.md, "Backpressure")', () => {
  it('pauses every link when the waiting messages reach the limit and resumes them only below the lower mark', () => {
    const flow = new LinkFlow(WAITING);
    const links = [link(), link()];
    links.forEach((one) => flow.add(one));
    flow.emitted(99);
    expect(links.map((one) => one.reading)).toEqual([true, true]);
    flow.emitted(1);
    expect(links.map((one) => one.reading)).toEqual([false, false]);
    flow.published(80); // 20 wait: not below the mark
    expect(flow.isPaused).toBe(true);
    flow.published(1);
    expect(links.map((one) => one.reading)).toEqual([true, true]);
  });

  it('pauses for a consumer that falls behind, and a link that opens meanwhile starts paused', () => {
    let backlog = 0;
    const flow = new LinkFlow(WAITING);
    flow.waitFor({ backlog: () => backlog, pauseAt: 1000, resumeBelow: 300 });
    const first = link();
    flow.add(first);
    backlog = 1000;
    flow.check();
    expect(first.reading).toBe(false);
    const second = link();
    flow.add(second);
    expect(second.reading).toBe(false);
    backlog = 300;
    flow.check();
    expect(flow.isPaused).toBe(true);
    backlog = 299;
    flow.check();
    expect([first.reading, second.reading]).toEqual([true, true]);
  });

  it('resumes only when every consumer is below its own mark, and no longer waits for a removed one', () => {
    const backlogs = { sink: 5000, inference: 0 };
    const flow = new LinkFlow(WAITING);
    flow.waitFor({ backlog: () => backlogs.sink, pauseAt: 4000, resumeBelow: 1500 });
    const removeInference = flow.waitFor({ backlog: () => backlogs.inference, pauseAt: 2048, resumeBelow: 512 });
    const one = link();
    flow.add(one);
    flow.check();
    expect(one.reading).toBe(false);
    backlogs.sink = 0;
    backlogs.inference = 600;
    flow.check();
    expect(one.reading).toBe(false);
    removeInference();
    expect(one.reading).toBe(true);
  });

  it('stays paused while messages wait even if the consumers have caught up, and forgets a closed link', () => {
    let backlog = 5000;
    const flow = new LinkFlow(WAITING);
    flow.waitFor({ backlog: () => backlog, pauseAt: 4000, resumeBelow: 1500 });
    const closing = link();
    flow.add(closing);
    flow.emitted(50);
    flow.check();
    expect(closing.reading).toBe(false);
    closing.closeNow();
    backlog = 0;
    flow.published(10); // 40 still wait
    expect(flow.isPaused).toBe(true);
    flow.published(30);
    expect(flow.isPaused).toBe(false);
    expect(closing.reading).toBe(false);
  });

  it('resumes a few links a turn, and the ones a pause left waiting go first at the next resume', async () => {
    const flow = new LinkFlow(WAITING, 2);
    const links = [link(), link(), link(), link(), link()];
    links.forEach((one) => flow.add(one));
    const reading = (): boolean[] => links.map((one) => one.reading);
    flow.emitted(100);
    expect(reading()).toEqual([false, false, false, false, false]);
    flow.published(100);
    expect(reading()).toEqual([true, true, false, false, false]);
    await nextTurn();
    expect(reading()).toEqual([true, true, true, true, false]);
    // Paused before the fifth's turn came: it resumes first next time, then the others in their order.
    flow.emitted(100);
    expect(reading()).toEqual([false, false, false, false, false]);
    flow.published(100);
    expect(reading()).toEqual([true, false, false, false, true]);
    await nextTurn();
    expect(reading()).toEqual([true, true, true, false, true]);
    await nextTurn();
    expect(reading()).toEqual([true, true, true, true, true]);
  });

  it('skips a link that closed while it waited for its turn', async () => {
    const flow = new LinkFlow(WAITING, 1);
    const [closing, staying] = [link(), link()];
    flow.add(closing);
    flow.add(staying);
    flow.emitted(100);
    closing.closeNow();
    flow.published(100);
    expect([closing.reading, staying.reading]).toEqual([false, true]);
    await nextTurn();
    expect(closing.reading).toBe(false);
  });
});
