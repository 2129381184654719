import { BootloaderError, RetriesExhaustedError } from './errors.ts';

/** Counts the recoveries done, for reports and tests. */
export interface RetryCounter {
  recoveries: number;
}

/**
 * Runs one bootloader exchange, and on a NACK, a timeout or an unexpected byte runs `recover` (re-synchronise)
 * and tries again, `attempts` times in all. The final error names the step, the number of attempts and the last
 * cause. Errors other than BootloaderError (port closed, bugs) are not retried.
 */
export async function withRetries<T>(
  what: string,
  attempts: number,
  counter: RetryCounter,
  exchange: () => Promise<T>,
  recover: () => Promise<void>,
): Promise<T> {
  let last: BootloaderError | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (last) {
      counter.recoveries++;
      try {
        await recover();
      } catch (error) {
        if (!(error instanceof BootloaderError)) throw error;
        last = error;
        continue;
      }
    }
    try {
      return await exchange();
    } catch (error) {
      if (!(error instanceof BootloaderError)) throw error;
      last = error;
    }
  }
  throw new RetriesExhaustedError(what, attempts, last!);
}
