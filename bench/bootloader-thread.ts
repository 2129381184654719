/**
 * The simulated bootloader on a thread of its own, for the flasher bench: a chip is hardware beside the host, so
 * neither flasher under test (wasmote and stm32flash, each a process of its own) shares an event loop with it. The main thread sends requests; the worker answers each with its result.
 */
import { isMainThread, parentPort, workerData, type Worker } from 'node:worker_threads';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../host/flash/simulator/start.ts';
import { REPORTED_WAITS_MS } from '../host/flash/simulator/transit.ts';
import { startModuleWorker } from '../host/flash/module-worker.ts';

type Request = { kind: 'fresh' } | { kind: 'read'; address: number; length: number } | { kind: 'close' };
/** The pty pair's delay the simulator takes off, in ms: the way in, and back after a command and a block. */
export interface TransitFigures {
  inMs: number;
  backAfterCommandMs: number;
  backAfterBlockMs: number;
}

type Reply = { portPath: string; transit: TransitFigures } | { bytes: Uint8Array } | { done: true } | { error: string };

export class BootloaderThread {
  private constructor(
    private readonly worker: Worker,
    readonly portPath: string,
    readonly transit: TransitFigures,
  ) {}

  static async start(options: SimulatorOptions): Promise<BootloaderThread> {
    const worker = startModuleWorker('bootloader-thread', import.meta.url, options);
    const reply = await nextReply(worker);
    if (!('portPath' in reply)) throw new Error(`the simulated bootloader did not start: ${describe(reply)}`);
    return new BootloaderThread(worker, reply.portPath, reply.transit);
  }

  /** As after power-up with BOOT0 high: flash erased, the bootloader waiting for 0x7F. */
  async fresh(): Promise<void> {
    await this.request({ kind: 'fresh' });
  }

  async read(address: number, length: number): Promise<Uint8Array> {
    const reply = await this.request({ kind: 'read', address, length });
    if (!('bytes' in reply)) throw new Error(`reading the simulated flash failed: ${describe(reply)}`);
    return reply.bytes;
  }

  async close(): Promise<void> {
    await this.request({ kind: 'close' });
    await this.worker.terminate();
  }

  private async request(request: Request): Promise<Reply> {
    const reply = nextReply(this.worker);
    this.worker.postMessage(request);
    const answer = await reply;
    if ('error' in answer) throw new Error(answer.error);
    return answer;
  }
}

function nextReply(worker: Worker): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: Reply): void => {
      worker.off('error', onError);
      resolve(reply);
    };
    const onError = (error: Error): void => {
      worker.off('message', onMessage);
      reject(error);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
  });
}

function describe(reply: Reply): string {
  return 'error' in reply ? reply.error : JSON.stringify(reply);
}

async function serve(options: SimulatorOptions): Promise<void> {
  const port = parentPort!;
  let simulator: RunningSimulator;
  try {
    simulator = await startSimulator(options);
  } catch (error) {
    port.postMessage({ error: (error as Error).message } satisfies Reply);
    return;
  }
  const { transit } = simulator;
  port.postMessage({
    portPath: simulator.portPath,
    transit: {
      inMs: transit.inboundMs,
      backAfterCommandMs: transit.outboundMs(REPORTED_WAITS_MS.command),
      backAfterBlockMs: transit.outboundMs(REPORTED_WAITS_MS.block),
    },
  } satisfies Reply);
  port.on('message', async (request: Request) => {
    switch (request.kind) {
      case 'fresh':
        simulator.bootloader.memory.flash.eraseAll();
        simulator.bootloader.reset();
        port.postMessage({ done: true } satisfies Reply);
        return;
      case 'read':
        port.postMessage({ bytes: simulator.bootloader.memory.flash.read(request.address, request.length) } satisfies Reply);
        return;
      case 'close':
        await simulator.close();
        port.postMessage({ done: true } satisfies Reply);
        port.close();
        return;
    }
  });
}

if (!isMainThread && workerData !== undefined) await serve(workerData as SimulatorOptions);
