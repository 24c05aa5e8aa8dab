export * from './tensors/index.js';
export * from './inspect/index.js';
export { OnnxModel, type OnnxModelOptions } from './onnx-model.js';
export * from './artifacts/index.js';
export * from './session-cache.js';
export * from './batching/index.js';
