/**
 * Wall time, injected: the simulator never reads real time directly, so tests can pace it with a fake and
 * `--speed max` never touches it.
 */
export interface WallClock {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
}

export const realWallClock: WallClock = {
  nowMs: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
