/**
 * The signatures of HAL ABI 1.1 (docs/hal-abi.md §2, §4, §5). host/abi/ checks an app's import and export names;
 * the firmware also needs their types right, since the translated app calls C functions with these signatures.
 */
import type { Signature, ValueType } from './wasm-sections.ts';

const i32 = 'i32' as const;
const sig = (params: ValueType[], results: ValueType[] = []): Signature => ({ params, results });

export const IMPORT_SIGNATURES: Record<string, Record<string, Signature>> = {
  hal: {
    i2c_write: sig([i32, i32, i32], [i32]),
    i2c_read: sig([i32, i32, i32], [i32]),
    i2c_write_read: sig([i32, i32, i32, i32, i32], [i32]),
    gpio_mode: sig([i32, i32], [i32]),
    gpio_write: sig([i32, i32], [i32]),
    gpio_read: sig([i32, i32], [i32]),
    pwm_set: sig([i32, i32], [i32]),
    clock_ms: sig([i32], [i32]),
    clock_us: sig([i32], [i32]),
    delay_us: sig([i32], [i32]),
    log: sig([i32, i32, i32], [i32]),
    metric_declare: sig([i32, i32, i32, i32, i32], [i32]),
    metric_report: sig([i32, 'f64'], [i32]),
    metric_describe: sig([i32, i32, 'f64', 'f64'], [i32]),
    command_declare: sig([i32], [i32]),
    output_state: sig([i32, i32], [i32]),
  },
  env: {
    abort: sig([i32, i32, i32, i32]),
    trace: sig([i32, i32, 'f64', 'f64', 'f64', 'f64', 'f64']),
    seed: sig([], ['f64']),
  },
};

export const EXPORT_SIGNATURES: Record<string, Signature> = {
  init: sig([]),
  tick: sig(['i64'], [i32]),
  command_buffer: sig([i32], [i32]),
  command: sig([i32, i32], [i32]),
};

export function sameSignature(a: Signature, b: Signature): boolean {
  return a.params.join() === b.params.join() && a.results.join() === b.results.join();
}
