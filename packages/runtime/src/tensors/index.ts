// Pure tensor code (no onnxruntime): the API imports this entry point to validate requests
// without loading the native runtime.
export {
  type HostTensor,
  type HostTensorData,
  type NumericDtype,
  type NumericTensorData,
  allocateTensorData,
  bytesPerElement,
  elementCount,
  formatShape,
  tensorDataBytes,
  tensorDataFromBytes,
} from './host-tensor.js';
export { TensorInputError } from './tensor-input-error.js';
export { tensorFromJson, tensorToJson, tensorRowJson, tensorToFlatJson, checkTensorShape, describeJsonValue, MAX_TENSOR_ELEMENTS } from './json-codec.js';
export { decodeRequestInputs } from './request-inputs.js';
export { toWire, fromWire, WireTensorError } from './wire-codec.js';
export { numberToFloat16Bits, float16BitsToNumber, FLOAT16_MAX } from './float16.js';
export { toOipDatatype, fromOipDatatype, type OipDatatype } from './oip-datatype.js';
export {
  splitInferenceBody,
  buildInferenceBody,
  tensorFromOip,
  tensorToOip,
  decodeOipInputs,
  binaryOutputRequested,
  INFERENCE_HEADER_CONTENT_LENGTH,
  type OipTensor,
  type OipOutput,
} from './oip-codec.js';
export { tensorFromRawBytes, parseShapeHeader, RAW_TENSOR_SHAPE_HEADER } from './raw-tensor-body.js';
export { tensorFromBinary, tensorToBinary, type BinarySource } from './binary-tensor.js';
export { compareOutputs, type OutputComparison } from './output-comparison.js';
