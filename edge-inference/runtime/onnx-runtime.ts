/**
 * onnxruntime-node, loaded when a model is: it is an optional peer of the package (edge-inference/README.md), so a
 * project that installs wasmote without it gets every other command, and a clear message here.
 */
import type ort from 'onnxruntime-node';
import { ModelLoadError } from './model-errors.ts';

export type OnnxRuntime = typeof ort;

let loading: Promise<OnnxRuntime> | undefined;

export function loadOnnxRuntime(): Promise<OnnxRuntime> {
  loading ??= import('onnxruntime-node').then(
    (module) => (module as { default?: OnnxRuntime }).default ?? (module as unknown as OnnxRuntime),
    (error: unknown) => {
      loading = undefined;
      throw new ModelLoadError(
        `inference needs onnxruntime-node, which cannot be loaded (${String((error as Error).message ?? error).split('\n')[0]}): ` +
          'install it with `ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node` (the CPU runtime is in the package; ' +
          'the variable keeps its install step from fetching GPU files)',
      );
    },
  );
  return loading;
}
