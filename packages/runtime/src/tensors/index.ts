// Pure tensor code (no onnxruntime): the API imports this entry point to validate requests
// without loading the native runtime.
export { type HostTensor, type HostTensorData, allocateTensorData, bytesPerElement, elementCount, formatShape } from './host-tensor.js';
export { TensorInputError } from './tensor-input-error.js';
export { tensorFromJson, tensorToJson, describeJsonValue, MAX_TENSOR_ELEMENTS } from './json-codec.js';
export { decodeRequestInputs } from './request-inputs.js';
export { toWire, fromWire, WireTensorError } from './wire-codec.js';
export { numberToFloat16Bits, float16BitsToNumber, FLOAT16_MAX } from './float16.js';
