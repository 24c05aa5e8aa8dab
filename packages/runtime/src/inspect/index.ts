export { InvalidModelError } from './invalid-model-error.js';
export { inspectModel } from './inspect-model.js';
export { inspectModelIsolated, type IsolatedInspectionOptions } from './inspect-isolated.js';
export { ONNXRUNTIME_VERSION } from './model-session.js';
