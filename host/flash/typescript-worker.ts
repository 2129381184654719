import { Worker } from 'node:worker_threads';

/**
 * A worker thread running a TypeScript module, loaded through tsx as bin/wasmote.js loads the CLI: Node's own
 * worker entry must be JavaScript.
 */
export function startTypeScriptWorker(moduleUrl: string, workerData: unknown): Worker {
  const entry = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl)}); });`;
  return new Worker(entry, { eval: true, workerData });
}
