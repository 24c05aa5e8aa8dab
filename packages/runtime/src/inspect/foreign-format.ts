import { InvalidModelError } from './invalid-model-error.js';

/**
 * Recognises files that are clearly not ONNX from their first bytes, so the uploader learns what
 * they sent and which converter to use, instead of a protobuf decoding error. Only signatures that
 * a serialized ModelProto cannot start with are used here; ambiguous ones (old pickle protocols)
 * are checked after protobuf decoding fails (see `recognizeLegacyPickle`).
 */

const CONVERTERS = 'skl2onnx / torch.onnx.export / tf2onnx';
export const PICKLE_REFUSAL = `pickle files are never loaded: export to ONNX with ${CONVERTERS}`;

function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  if (bytes.length < at + signature.length) return false;
  return signature.every((byte, index) => bytes[at + index] === byte);
}

function asciiPrefix(bytes: Uint8Array, length: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(length, bytes.length)).toString('latin1');
}

function describeZip(bytes: Uint8Array): string {
  // Entry names sit in the local headers near the start; enough to tell the common archives apart.
  const head = asciiPrefix(bytes, 64 * 1024);
  if (head.includes('data.pkl')) {
    return (
      'this is a PyTorch checkpoint (torch.save zip archive with pickled data), not an ONNX model; ' +
      `pickle files are never loaded: export to ONNX with torch.onnx.export`
    );
  }
  if (head.includes('.onnx')) {
    return 'this is a zip archive that contains an .onnx file: extract it and upload the .onnx file itself';
  }
  if (head.includes('model.weights.h5') || head.includes('config.json') || head.includes('metadata.json')) {
    return 'this is a Keras .keras archive, not an ONNX model: convert it with tf2onnx (tf2onnx.convert.from_keras)';
  }
  return (
    'this is a zip archive (a PyTorch .pt/.pth checkpoint or a Keras .keras file?), not an ONNX model: ' +
    `export to ONNX with torch.onnx.export (PyTorch) or tf2onnx (Keras/TensorFlow), or extract the .onnx file and upload that`
  );
}

/** Throws an InvalidModelError naming the format when the first bytes identify a non-ONNX file. */
export function refuseForeignFormat(bytes: Uint8Array): void {
  if (bytes.length === 0) {
    throw new InvalidModelError('empty-file', 'the file is empty (0 bytes): upload the .onnx model file itself');
  }
  const first = bytes[0]!;
  const second = bytes[1] ?? -1;
  if (first === 0x80 && second >= 2 && second <= 5) {
    throw new InvalidModelError('pickle', `this is a Python pickle (protocol ${second}), not an ONNX model; ${PICKLE_REFUSAL}`);
  }
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    throw new InvalidModelError('zip-archive', describeZip(bytes));
  }
  if (startsWith(bytes, [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])) {
    throw new InvalidModelError(
      'hdf5',
      'this is an HDF5 file (a Keras .h5 model?), not an ONNX model: convert it with tf2onnx (tf2onnx.convert.from_keras)',
    );
  }
  if (startsWith(bytes, [0x1f, 0x8b])) {
    throw new InvalidModelError(
      'gzip',
      'this is a gzip-compressed file (a joblib dump or a .tar.gz?), not an ONNX model: extract the .onnx file from an archive; ' +
        `joblib and ${PICKLE_REFUSAL}`,
    );
  }
  if (startsWith(bytes, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) {
    throw new InvalidModelError('numpy', 'this is a NumPy array (.npy), not a model: upload the model exported to ONNX');
  }
  // safetensors: an 8-byte little-endian header length, then a JSON header.
  if (bytes.length > 10 && bytes[8] === 0x7b && bytes[9] === 0x22 && bytes[4] === 0 && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0) {
    throw new InvalidModelError(
      'safetensors',
      'this is a safetensors weights file: weights without the computation graph cannot be served; ' +
        'export the model to ONNX with torch.onnx.export or optimum-cli export onnx',
    );
  }

  const text = asciiPrefix(bytes, 1024).replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
  if (text.startsWith('<')) {
    if (/<PMML\b/i.test(text)) {
      throw new InvalidModelError(
        'pmml',
        'this is a PMML document, not an ONNX model: Modelgate serves ONNX only; export the original model with skl2onnx or onnxmltools',
      );
    }
    throw new InvalidModelError('xml', 'this is an XML document, not an ONNX model: upload a model exported to ONNX');
  }
  if (text.startsWith('{') || text.startsWith('[')) {
    throw new InvalidModelError(
      'json',
      'this is a JSON document (a Keras config, an XGBoost/LightGBM JSON dump?), not an ONNX model: ' +
        'convert the model with onnxmltools (XGBoost, LightGBM) or tf2onnx (Keras)',
    );
  }
}

/** Pickle protocols 0 and 1 have no header; they start with one of these opcodes. */
const LEGACY_PICKLE_FIRST_OPCODES = new Set('()]}cNIJKLSVXUF'.split('').map((char) => char.charCodeAt(0)));
const PICKLE_STOP = 0x2e; // '.'

/**
 * Old-protocol pickles are only recognisable heuristically (first opcode, final STOP); `(` is also
 * a valid ModelProto tag, so this runs only once protobuf decoding has failed.
 */
export function refuseLegacyPickle(bytes: Uint8Array): void {
  if (LEGACY_PICKLE_FIRST_OPCODES.has(bytes[0]!) && bytes[bytes.length - 1] === PICKLE_STOP) {
    throw new InvalidModelError('pickle', `this looks like a Python pickle (protocol 0/1), not an ONNX model; ${PICKLE_REFUSAL}`);
  }
}
