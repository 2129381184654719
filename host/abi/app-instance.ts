import { HAL_ABI_VERSION, abiMajor, formatAbiVersion } from './abi-version.ts';
import { AppMemory } from './app-memory.ts';
import { ALLOWED_IMPORTS, type AppPhase, createHalImports } from './hal-imports.ts';
import type { HalPort } from './hal-port.ts';
import { MetricTable } from './metric-table.ts';
import type { MetricValue } from '../link/messages.ts';
import { OutputStates, type OutputStateValues } from './output-states.ts';
import { AppTrap, toAppTrap } from './trap.ts';

/** An app the runner refuses to load: a message naming what is wrong (docs/hal-abi.md §1, §2, §5). */
export class AppLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppLoadError';
  }
}

const REQUIRED_FUNCTION_EXPORTS = ['init', 'tick', 'command_buffer', 'command'] as const;

interface AppExports {
  memory: WebAssembly.Memory;
  wasmote_abi_version: WebAssembly.Global;
  init(): void;
  tick(nowMs: bigint): number;
  command_buffer(length: number): number;
  command(ptr: number, length: number): number;
}

/** Compiles an app and checks its imports and exports against the ABI before anything runs. */
export async function compileAppModule(wasm: Uint8Array): Promise<WebAssembly.Module> {
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(wasm as Uint8Array<ArrayBuffer>);
  } catch (error) {
    throw new AppLoadError(`not a valid WebAssembly module: ${(error as Error).message}`);
  }
  checkModuleInterface(module);
  return module;
}

export function checkModuleInterface(module: WebAssembly.Module): void {
  for (const { module: moduleName, name, kind } of WebAssembly.Module.imports(module)) {
    if (kind !== 'function' || !ALLOWED_IMPORTS[moduleName]?.includes(name)) {
      throw new AppLoadError(
        `the app imports ${kind} ${moduleName}.${name}, which HAL ABI ${formatAbiVersion(HAL_ABI_VERSION)} lacks`,
      );
    }
  }
  const exports = new Map(WebAssembly.Module.exports(module).map(({ name, kind }) => [name, kind]));
  const missing = [
    ...(exports.get('memory') === 'memory' ? [] : ['memory']),
    ...(exports.get('wasmote_abi_version') === 'global' ? [] : ['wasmote_abi_version (global)']),
    ...REQUIRED_FUNCTION_EXPORTS.filter((name) => exports.get(name) !== 'function'),
  ];
  if (missing.length > 0) throw new AppLoadError(`the app does not export ${missing.join(', ')}`);
}

export interface AppInstanceOptions {
  port: HalPort;
  /** Returned by `env.seed` (AssemblyScript's Math.random seed), so runs repeat. */
  seed: number;
  /** Receives each 24 values as a tick reports them (docs/link-protocol.md §7.2); the rest wait for takeReported(). */
  onData?: (values: MetricValue[]) => void;
}

/**
 * One instantiation of an app bound to a HalPort. Calls throw AppTrap when the app traps; after a trap the
 * instance is dead and the runner makes a new one (docs/hal-abi.md §7).
 *
 * What a runner reads from it: `metrics.descriptors` (METRIC messages, in declaration order), `metrics.opcodes`
 * (HELLO's opcodes), `metrics.takeReported()` (a tick's DATA), `outputs` (HELLO's and HEARTBEAT's report interval
 * and LED state) and `phase` (which export is running, e.g. to hold the logs `init` makes).
 */
export class AppInstance {
  readonly metrics: MetricTable;
  private readonly outputStates = new OutputStates();
  private readonly exports: AppExports;
  private readonly memory: AppMemory;
  private currentPhase: AppPhase = 'idle';
  private trapped = false;

  constructor(module: WebAssembly.Module, options: AppInstanceOptions) {
    this.metrics = new MetricTable(options.onData);
    const imports = createHalImports({
      port: options.port,
      memory: () => this.memory,
      metrics: this.metrics,
      outputs: this.outputStates,
      phase: () => this.currentPhase,
      seed: options.seed,
    });
    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(module, imports);
    } catch (error) {
      const trap = toAppTrap(error);
      if (trap !== error) throw trap;
      throw new AppLoadError(`cannot instantiate the app: ${(error as Error).message}`);
    }
    this.exports = instance.exports as unknown as AppExports;
    this.memory = new AppMemory(this.exports.memory);
    const version = this.exports.wasmote_abi_version.value as number;
    if (abiMajor(version) !== abiMajor(HAL_ABI_VERSION)) {
      throw new AppLoadError(
        `the app speaks HAL ABI ${formatAbiVersion(version)}, this runner ${formatAbiVersion(HAL_ABI_VERSION)}`,
      );
    }
  }

  get abiVersion(): number {
    return this.exports.wasmote_abi_version.value as number;
  }

  /** Which export runs now: `init`, `tick`, `command` (its `command_buffer` included), or `idle` between calls. */
  get phase(): AppPhase {
    return this.currentPhase;
  }

  /**
   * The standard outputs as the app last set them with `output_state` (docs/hal-abi.md §4.7): report interval 0,
   * LED mode 255 and LED period 0 until it says. A copy: it does not change under the caller.
   */
  get outputs(): OutputStateValues {
    return this.outputStates.snapshot();
  }

  init(): void {
    this.call('init', () => this.exports.init());
  }

  /** Returns the delay in ms until the app wants its next tick. */
  tick(nowMs: number): number {
    return this.call('tick', () => this.exports.tick(BigInt(nowMs))) >>> 0;
  }

  /**
   * Delivers a command (docs/hal-abi.md §2, §6): returns the app's status as the i32 it returned (0 acknowledges;
   * the runner answers one outside 0..255 as STATUS_OUT_OF_RANGE), or null when `command_buffer` gave no room
   * for it (0, or a range outside memory: NO_COMMAND_BUFFER, docs/link-protocol.md §4.6) and `command` never ran.
   */
  command(payload: Uint8Array): number | null {
    return this.call('command', () => {
      const ptr = this.exports.command_buffer(payload.length) >>> 0;
      const target = ptr === 0 ? null : this.memory.bytes(ptr, payload.length);
      if (target === null) return null;
      target.set(payload);
      return this.exports.command(ptr, payload.length) | 0;
    });
  }

  private call<T>(phase: AppPhase, body: () => T): T {
    if (this.trapped) throw new Error('the app trapped; instantiate it again');
    this.currentPhase = phase;
    try {
      return body();
    } catch (error) {
      const converted = toAppTrap(error);
      if (converted instanceof AppTrap) this.trapped = true;
      throw converted;
    } finally {
      this.currentPhase = 'idle';
    }
  }
}
