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
    expect(app.metrics.descriptors).toEqual([{ id: 1, name: 'ticks', unit: '' }]);
    expect(app.tick(0)).toBe(1000);
    expect(app.tick(1000)).toBe(1000);
    expect(app.metrics.takeReported()).toEqual([
      { id: 1, value: 1 },
      { id: 1, value: 2 },
    ]);
    expect(app.command(Uint8Array.of(0x10))).toBe(6);
  });

  it('refuses a command longer than the app buffer with BAD_ARGUMENT', async () => {
    const app = await trapApp();
    expect(app.command(new Uint8Array(65))).toBe(5);
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

  it('refuses an app importing something the ABI lacks, naming the import', async () => {
    await expect(compileAppModule(await testAppBytes('unknown-import'))).rejects.toThrow(
      new AppLoadError('the app imports function hal.spi_transfer, which HAL ABI 1.0 lacks'),
    );
  });

  it('refuses an app of another major ABI version, naming both', async () => {
    const module = await compileAppModule(await testAppBytes('future-abi'));
    expect(() => new AppInstance(module, { port: new RecordingPort(), seed: 1 })).toThrow(
      'the app speaks HAL ABI 2.0, this runner 1.0',
    );
  });

  it('refuses bytes that are not WebAssembly', async () => {
    await expect(compileAppModule(new TextEncoder().encode('not wasm'))).rejects.toThrow(/not a valid WebAssembly module/);
  });
});
