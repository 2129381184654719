import { Worker } from 'node:worker_threads';

/**
 * A worker thread running a sibling module of `parentUrl`, given without extension: the compiled `.js` when the
 * caller runs compiled, the `.ts` source (loaded through tsx, a development dependency) when the caller runs from
 * source under tsx or the test runner. Node's own worker entry must be JavaScript.
 */
export function startModuleWorker(siblingName: string, parentUrl: string, workerData: unknown): Worker {
  const extension = parentUrl.endsWith('.ts') ? '.ts' : '.js';
  const moduleUrl = new URL(`./${siblingName}${extension}`, parentUrl);
  if (extension === '.js') return new Worker(moduleUrl, { workerData });
  const entry = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl.href)}); });`;
  return new Worker(entry, { eval: true, workerData });
}
