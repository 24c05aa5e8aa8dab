import type { TensorDtype } from '@modelgate/contracts';

/**
 * Open Inference Protocol (KServe V2) tensor datatypes for each of our dtypes. Every dtype has
 * one; of the protocol's datatypes only BF16 has no counterpart (onnxruntime-node cannot take it).
 */
const OIP_DATATYPE_BY_DTYPE = {
  bool: 'BOOL',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  float16: 'FP16',
  float32: 'FP32',
  float64: 'FP64',
  string: 'BYTES',
} as const satisfies Record<TensorDtype, string>;

export type OipDatatype = (typeof OIP_DATATYPE_BY_DTYPE)[TensorDtype];

const DTYPE_BY_OIP_DATATYPE = new Map<string, TensorDtype>(
  Object.entries(OIP_DATATYPE_BY_DTYPE).map(([dtype, datatype]) => [datatype, dtype as TensorDtype]),
);

/** The datatype the protocol names a dtype by: float32 → FP32, string → BYTES. */
export function toOipDatatype(dtype: TensorDtype): OipDatatype {
  return OIP_DATATYPE_BY_DTYPE[dtype];
}

/** The dtype of a protocol datatype (FP32 → float32), or undefined for one we cannot serve (BF16, a typo). */
export function fromOipDatatype(datatype: string): TensorDtype | undefined {
  return DTYPE_BY_OIP_DATATYPE.get(datatype);
}
