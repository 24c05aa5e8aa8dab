/**
 * The file cannot be served as an ONNX model. Always about the upload, never a server fault: the API
 * answers 422 with `message`, which says what the file looks like and how to produce a usable one.
 */
export class InvalidModelError extends Error {
  override readonly name = 'InvalidModelError';
  /** Stable reason for programs and tests: `pickle`, `zip-archive`, `not-onnx`, `onnxruntime-load-failed`, … */
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}
