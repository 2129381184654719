import type { AppMemory } from './app-memory.ts';
import type { HalPort } from './hal-port.ts';
import type { MetricTable } from './metric-table.ts';
import type { OutputStates } from './output-states.ts';
import { HalStatus } from './status.ts';
import { LOG_TEXT_MAX_BYTES, cutUtf8, logText, utf8Length } from './text-rules.ts';
import { AppTrap } from './trap.ts';
import { TrapCode } from '../link/messages.ts';

/** docs/hal-abi.md §4 limits. */
const I2C_ADDRESS_MIN = 0x08;
const I2C_ADDRESS_MAX = 0x77;
const I2C_LENGTH_MAX = 255;
const GPIO_MODE_MAX = 3;
const PWM_DUTY_MAX = 0xffff;
const DELAY_MAX_US = 1_000_000;
const LOG_LEVEL_MAX = 3;
const LOG_LENGTH_MAX = 200;
const TRACE_LOG_LEVEL = 3;
const TRACE_VALUES = 5;

const EMPTY = new Uint8Array(0);

/**
 * Which export of the app is running (docs/hal-abi.md §2): `init`, `tick`, `command` (which includes its
 * `command_buffer` call), or none. Declarations belong to `init` alone, reports to `tick` alone (§4.6, §4.7).
 */
export type AppPhase = 'idle' | 'init' | 'tick' | 'command';

/** What the imports need from the instance that owns them. */
export interface HalImportContext {
  port: HalPort;
  memory(): AppMemory;
  metrics: MetricTable;
  outputs: OutputStates;
  phase(): AppPhase;
  seed: number;
}

/** The names an app of HAL ABI 1.x may import, by module (docs/hal-abi.md §4, §5). */
export const ALLOWED_IMPORTS: Record<string, readonly string[]> = {
  hal: [
    'i2c_write',
    'i2c_read',
    'i2c_write_read',
    'gpio_mode',
    'gpio_write',
    'gpio_read',
    'pwm_set',
    'clock_ms',
    'clock_us',
    'delay_us',
    'log',
    'metric_declare',
    'metric_report',
    'metric_describe',
    'command_declare',
    'output_state',
  ],
  env: ['abort', 'trace', 'seed'],
};

function validI2c(address: number, length: number): boolean {
  return address >= I2C_ADDRESS_MIN && address <= I2C_ADDRESS_MAX && length >= 1 && length <= I2C_LENGTH_MAX;
}

/** Builds the import object for one instance. Every i32 pointer or length is read as unsigned (`>>> 0`). */
export function createHalImports(context: HalImportContext): WebAssembly.Imports {
  const { port, metrics, outputs } = context;
  return {
    hal: {
      i2c_write(address: number, ptr: number, len: number): number {
        const write = validI2c(address, len) ? context.memory().bytes(ptr >>> 0, len >>> 0) : null;
        return write === null ? HalStatus.BadArgument : port.i2cTransfer(address, write, EMPTY);
      },
      i2c_read(address: number, ptr: number, len: number): number {
        const read = validI2c(address, len) ? context.memory().bytes(ptr >>> 0, len >>> 0) : null;
        return read === null ? HalStatus.BadArgument : port.i2cTransfer(address, EMPTY, read);
      },
      i2c_write_read(address: number, writePtr: number, writeLen: number, readPtr: number, readLen: number): number {
        if (!validI2c(address, writeLen) || !validI2c(address, readLen)) return HalStatus.BadArgument;
        const memory = context.memory();
        const write = memory.bytes(writePtr >>> 0, writeLen);
        const read = memory.bytes(readPtr >>> 0, readLen);
        if (write === null || read === null) return HalStatus.BadArgument;
        // The write phase goes out before the read phase lands, so overlapping buffers behave as on a board.
        return port.i2cTransfer(address, write.slice(), read);
      },
      gpio_mode(pin: number, mode: number): number {
        return pin < 0 || mode < 0 || mode > GPIO_MODE_MAX ? HalStatus.BadArgument : port.gpioMode(pin, mode);
      },
      gpio_write(pin: number, level: number): number {
        return pin < 0 || (level !== 0 && level !== 1) ? HalStatus.BadArgument : port.gpioWrite(pin, level);
      },
      gpio_read(pin: number, levelPtr: number): number {
        const memory = context.memory();
        if (pin < 0 || !memory.inBounds(levelPtr >>> 0, 1)) return HalStatus.BadArgument;
        const result = port.gpioRead(pin);
        if (result.status === HalStatus.Ok) memory.writeU8(levelPtr >>> 0, result.level);
        return result.status;
      },
      pwm_set(channel: number, dutyU16: number): number {
        return channel < 0 || dutyU16 < 0 || dutyU16 > PWM_DUTY_MAX ? HalStatus.BadArgument : port.pwmSet(channel, dutyU16);
      },
      clock_ms(outPtr: number): number {
        const nowMs = Math.floor(port.nowUs() / 1000);
        return context.memory().writeU64(outPtr >>> 0, nowMs) ? HalStatus.Ok : HalStatus.BadArgument;
      },
      clock_us(outPtr: number): number {
        return context.memory().writeU64(outPtr >>> 0, port.nowUs()) ? HalStatus.Ok : HalStatus.BadArgument;
      },
      delay_us(us: number): number {
        return us < 0 || us > DELAY_MAX_US ? HalStatus.BadArgument : port.delayUs(us);
      },
      log(level: number, ptr: number, len: number): number {
        if (level < 0 || level > LOG_LEVEL_MAX || len >>> 0 > LOG_LENGTH_MAX) return HalStatus.BadArgument;
        const bytes = context.memory().bytes(ptr >>> 0, len >>> 0);
        if (bytes === null) return HalStatus.BadArgument;
        // §4.5: invalid UTF-8 is repaired, not refused (docs/link-protocol.md §7.3).
        port.log(level, logText(bytes));
        return HalStatus.Ok;
      },
      metric_declare(id: number, namePtr: number, nameLen: number, unitPtr: number, unitLen: number): number {
        if (context.phase() !== 'init') return HalStatus.BadArgument;
        const memory = context.memory();
        const name = memory.utf8(namePtr >>> 0, nameLen >>> 0);
        const unit = memory.utf8(unitPtr >>> 0, unitLen >>> 0);
        if (name === null || unit === null) return HalStatus.BadArgument;
        return metrics.declare(id, name, unit) === null ? HalStatus.Ok : HalStatus.BadArgument;
      },
      metric_report(id: number, value: number): number {
        // §4.6: only a tick's values go out; one reported in init or command is refused, and nothing is sent.
        if (context.phase() !== 'tick') return HalStatus.BadArgument;
        return metrics.report(id, value) ? HalStatus.Ok : HalStatus.BadArgument;
      },
      metric_describe(id: number, kind: number, min: number, max: number): number {
        if (context.phase() !== 'init') return HalStatus.BadArgument;
        return metrics.describe(id, kind, min, max) === null ? HalStatus.Ok : HalStatus.BadArgument;
      },
      command_declare(opcode: number): number {
        if (context.phase() !== 'init') return HalStatus.BadArgument;
        return metrics.declareCommand(opcode) === null ? HalStatus.Ok : HalStatus.BadArgument;
      },
      output_state(output: number, value: number): number {
        return outputs.set(output, value) ? HalStatus.Ok : HalStatus.BadArgument;
      },
    },
    env: {
      abort(messagePtr: number, filePtr: number, line: number, column: number): never {
        const memory = context.memory();
        throw new AppTrap(
          TrapCode.Abort,
          memory.assemblyScriptString(messagePtr >>> 0) || 'abort',
          memory.assemblyScriptString(filePtr >>> 0),
          line >>> 0,
          column >>> 0,
        );
      },
      trace(messagePtr: number, count: number, ...values: number[]): void {
        // As in the firmware: the message cut like any log text, then each value only if all of it still fits.
        let text = cutUtf8(context.memory().assemblyScriptString(messagePtr >>> 0), LOG_TEXT_MAX_BYTES);
        let length = utf8Length(text);
        for (const value of values.slice(0, Math.max(0, Math.min(count, TRACE_VALUES)))) {
          const item = ` ${traceNumber(value)}`;
          if (length + item.length > LOG_TEXT_MAX_BYTES) break;
          text += item;
          length += item.length;
        }
        port.log(TRACE_LOG_LEVEL, text);
      },
      seed(): number {
        return context.seed;
      },
    },
  };
}

/** docs/hal-abi.md §5 `trace`: whole numbers below 1e21 in full, anything else to 6 significant digits. */
export function traceNumber(value: number): string {
  if (!Number.isFinite(value) || (Number.isInteger(value) && Math.abs(value) < 1e21)) return String(value);
  return String(Number(value.toPrecision(6)));
}
