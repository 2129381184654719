/**
 * A model that cannot run as its config says: a config that does not validate, a file onnxruntime cannot load,
 * inputs, outputs or shapes that do not fit the config, or metrics no device declares. Raised when the model is
 * loaded or checked, never at the first message; the text names the model and the mismatch.
 */
export class ModelLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelLoadError';
  }
}
