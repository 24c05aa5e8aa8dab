/**
 * The caller sent a tensor the model cannot take (wrong shape, dtype, value, missing or unknown
 * input). Always the caller's mistake, so the API answers 400 with `message` as the detail.
 */
export class TensorInputError extends Error {
  override readonly name = 'TensorInputError';
  /** The model input concerned (for an unknown input, the name the caller sent). */
  readonly input: string;
  /** Where in the request body the problem is, e.g. `inputs.x[0][2]`, `inputs.x.shape`, `instances[3]`. */
  readonly path: string;

  constructor(message: string, location: { input: string; path: string }) {
    super(message);
    this.input = location.input;
    this.path = location.path;
  }
}
