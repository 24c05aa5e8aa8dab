// Test helpers for this package and its consumers: ONNX models built by code, and published
// reference models from the repository's fixtures/models.
export {
  buildModel,
  buildGemmModel,
  defaultGemmParameters,
  onnxElementType,
  writeModelFile,
  type AttributeValue,
  type GemmModelOptions,
  type GraphNode,
  type GraphValue,
  type ModelDefinition,
  type TensorValue,
} from './model-builder.js';
export {
  argmax,
  differenceFromReference,
  hostTensorFromReference,
  loadReferenceModel,
  referenceInputs,
  referenceModelsDirectory,
  type ReferenceCase,
  type ReferenceFile,
  type ReferenceModel,
  type ReferenceTensor,
} from './reference-models.js';
export { rejectionOf } from './rejection.js';
export { tensorInputErrorOf, tensorSpec } from './tensor-input-errors.js';
