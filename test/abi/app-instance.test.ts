import { describe, expect, it } from 'vitest';
import { AppInstance, AppLoadError, compileAppModule } from '../../host/abi/app-instance.ts';
import { AppTrap } from '../../host/abi/trap.ts';
import { RecordingPort } from '../support/recording-port.ts';
import { testAppBytes } from '../support/apps.ts';

// Trap codes of docs/link-protocol.md, restated.
const ABORT = 1;
const UNREACHABLE = 2;
const MEMORY_OUT_OF_BOUNDS = 3;
const CALL_STACK_EXHAUSTED = 4;
const INTEGER_FAULT = 5;

async function trapApp(): Promise<AppInstance> {
  const app = new AppInstance(await compileAppModule(await testAppBytes('trap-app')), { port: new RecordingPort(), seed: 1 });
  app.init();
  return app;
}

describe('AppInstance', () => {
  it('runs init, tick and commands and collects the reports of a tick', async () => {
    const app = await trapApp();
    expect(app.metrics.descriptors).toEqual([{ id: 1, name: 'ticks', unit: '', kind: 0 }]);
    expect(app.tick(0)).toBe(1000);
    expect(app.tick(1000)).toBe(1000);
    expect(app.metrics.takeReported()).toEqual([
      { id: 1, value: 1 },
      { id: 1, value: 2 },
    ]);
    expect(app.command(Uint8Array.of(0x10))).toBe(6);
  });

  it('answers null, without calling command, when command_buffer has no room (NO_COMMAND_BUFFER)', async () => {
    const app = await trapApp();
    expect(app.command(new Uint8Array(65))).toBeNull();
    expect(app.phase).toBe('idle');
  });

  it('runs an app of HAL ABI 1.0, which imports none of 1.1, as before', async () => {
    const app = await trapApp();
    expect(app.abiVersion).toBe(0x0001_0000);
    expect(app.tick(0)).toBe(1000);
    expect(app.metrics.takeReported()).toEqual([{ id: 1, value: 1 }]);
    expect(app.metrics.opcodes).toEqual([]);
    expect(app.outputs).toEqual({ reportIntervalMs: 0, ledMode: 255, ledPeriodMs: 0 });
  });

  it('returns the status a command gave as the i32 it is, so the runner can refuse one outside 0..255', async () => {
    const app = new AppInstance(await compileAppModule(await testAppBytes('misbehaving-app')), {
      port: new RecordingPort(),
      seed: 1,
    });
    app.init();
    expect(app.command(Uint8Array.of(0x83))).toBe(300);
    expect(app.command(Uint8Array.of(0x84))).toBe(-1);
  });

  it.each([
    [0x81, ABORT],
    [0x82, UNREACHABLE],
    [0x83, MEMORY_OUT_OF_BOUNDS],
    [0x84, INTEGER_FAULT],
    [0x85, CALL_STACK_EXHAUSTED],
  ])('turns trap 0x%s into an AppTrap with code %i, and the instance stays dead', async (opcode, code) => {
    const app = await trapApp();
    expect(app.command(Uint8Array.of(opcode))).toBe(0);
    let trap: unknown;
    try {
      app.tick(0);
    } catch (error) {
      trap = error;
    }
    expect(trap).toBeInstanceOf(AppTrap);
    expect((trap as AppTrap).code).toBe(code);
    expect(() => app.tick(1)).toThrow(/trapped/);
  });

  it("reports abort's message, file, line and column", async () => {
    const app = await trapApp();
    app.command(Uint8Array.of(0x81));
    expect(() => app.tick(0)).toThrow(
      expect.objectContaining({ message: 'sensor table corrupt', file: 'trap-app.ts', line: 42, column: 7 }),
    );
  });

  it("cuts an abort's message to 96 bytes (docs/hal-abi.md §7)", async () => {
    const app = new AppInstance(await compileAppModule(await testAppBytes('misbehaving-app')), {
      port: new RecordingPort(),
      seed: 1,
    });
    app.init();
    expect(() => app.command(Uint8Array.of(0x82))).toThrow(
      expect.objectContaining({
        message: 'this abort message is long on purpose: '.repeat(8).slice(0, 96),
        file: 'misbehaving-app.ts',
      }),
    );
  });

  it('cuts any trap’s message and file to 96 bytes at a character boundary', () => {
    const trap = new AppTrap(1, 'é'.repeat(60), `${'x'.repeat(95)}✓`);
    expect(trap.message).toBe('é'.repeat(48));
    expect(trap.file).toBe('x'.repeat(95));
  });

  it('refuses an app importing something the ABI lacks, naming the import', async () => {
    await expect(compileAppModule(await testAppBytes('unknown-import'))).rejects.toThrow(
      new AppLoadError('the app imports function hal.spi_transfer, which HAL ABI 1.1 lacks'),
    );
  });

  it('refuses an app of another major ABI version, naming both', async () => {
    const module = await compileAppModule(await testAppBytes('future-abi'));
    expect(() => new AppInstance(module, { port: new RecordingPort(), seed: 1 })).toThrow(
      'the app speaks HAL ABI 2.0, this runner 1.1',
    );
  });

  it('refuses bytes that are not WebAssembly', async () => {
    await expect(compileAppModule(new TextEncoder().encode('not wasm'))).rejects.toThrow(/not a valid WebAssembly module/);
  });
});
