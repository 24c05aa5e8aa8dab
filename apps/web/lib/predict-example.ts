import type { SampleInput, Signature, TensorDtype, TensorSpec } from '@modelgate/contracts';
import { elementCount, exampleShape } from './shape';

/**
 * Builds a predict request someone can paste into a terminal: zeros of the right dtype and shape
 * for every input, symbolic dimensions as 1. Small inputs are written as nested arrays, medium
 * ones as `{shape, data}` (still complete), and large ones (images) are left for the reader to
 * fill so the snippet stays readable.
 */

/** Up to this many elements an input is written as nested arrays, which read like the shape. */
const NESTED_ARRAY_LIMIT = 32;
/** Up to this many elements the flat `{shape, data}` form is still written out in full. */
const FULL_DATA_LIMIT = 1024;

export interface PredictExample {
  /** The JSON request body, formatted for reading. */
  body: string;
  /** What the reader must change before the request succeeds (empty when it runs as is). */
  notes: string[];
}

/**
 * The example request for a version: the sample input its uploader saved when there is one (a
 * real row that gives a meaningful answer), otherwise zeros built from the signature.
 */
export function versionExample(signature: Signature, sampleInput: SampleInput | undefined): PredictExample & { fromSample: boolean } {
  if (sampleInput) return { body: formatRequestJson(sampleInput), notes: [], fromSample: true };
  return { ...predictExample(signature), fromSample: false };
}

/**
 * Just the `inputs` of a version's example request, as compact JSON: what a records push or a
 * stream message carries for each data point.
 */
export function exampleInputsJson(signature: Signature, sampleInput: SampleInput | undefined): string {
  const body = JSON.parse(versionExample(signature, sampleInput).body) as { inputs?: unknown };
  return JSON.stringify(body.inputs ?? {});
}

/**
 * JSON laid out like the generated examples: objects one key per line, every other value (tensor
 * data, however nested) on one line, so a 28×28 image does not become 784 lines.
 */
export function formatRequestJson(value: unknown, indent = ''): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return JSON.stringify(value);
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const inner = `${indent}  `;
  const lines = entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${formatRequestJson(item, inner)}`);
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

export function predictExample(signature: Signature): PredictExample {
  const notes: string[] = [];
  const lines = signature.inputs.map((input) => {
    const { json, note } = exampleTensor(input);
    if (note) notes.push(note);
    return `    ${JSON.stringify(input.name)}: ${json}`;
  });
  const body = lines.length === 0 ? '{ "inputs": {} }' : `{\n  "inputs": {\n${lines.join(',\n')}\n  }\n}`;
  return { body, notes };
}

function exampleTensor(input: TensorSpec): { json: string; note?: string } {
  const shape = exampleShape(input.shape);
  const count = elementCount(shape);
  const zero = zeroOf(input.dtype);
  if (count <= NESTED_ARRAY_LIMIT) return { json: JSON.stringify(nestedZeros(shape, zero)) };
  if (count <= FULL_DATA_LIMIT) {
    return { json: JSON.stringify({ shape, data: new Array<unknown>(count).fill(zero) }) };
  }
  return {
    json: JSON.stringify({ shape, data: [] }),
    note:
      `Input "${input.name}" needs ${count.toLocaleString('en-US')} ${input.dtype} values ` +
      `(${shape.join('×')}) in "data", flattened row-major; the example leaves it empty to stay short.`,
  };
}

function zeroOf(dtype: TensorDtype): number | boolean | string {
  if (dtype === 'bool') return false;
  if (dtype === 'string') return '';
  return 0;
}

function nestedZeros(shape: readonly number[], zero: unknown): unknown {
  const [first, ...rest] = shape;
  if (first === undefined) return zero;
  return Array.from({ length: first }, () => nestedZeros(rest, zero));
}

/** Where the snippets read the caller's key from: an API key, or a personal token. */
export const API_KEY_VARIABLE = 'MODELGATE_API_KEY';

interface RequestOptions {
  apiUrl: string;
  /** Endpoint name, or a placeholder such as `<endpoint>`. */
  endpoint: string;
  body: string;
  /** Sends `X-Modelgate-Version`, which pins one of the versions the endpoint routes to. */
  pinVersion?: number;
}

export function predictCurl({ apiUrl, endpoint, body, pinVersion }: RequestOptions): string {
  const lines = [
    `curl -X POST '${apiUrl}/v1/endpoints/${endpoint}/predict'`,
    `  -H "Authorization: Bearer $${API_KEY_VARIABLE}"`,
    `  -H 'Content-Type: application/json'`,
  ];
  if (pinVersion !== undefined) lines.push(`  -H 'X-Modelgate-Version: ${pinVersion}'`);
  lines.push(`  -d '${body.replaceAll("'", `'\\''`)}'`);
  return lines.join(' \\\n');
}

/** The same request as `predictCurl`, as TypeScript (fetch) that reads the outputs. */
export function predictFetch({ apiUrl, endpoint, body, pinVersion }: RequestOptions): string {
  const headers = [`authorization: \`Bearer \${process.env.${API_KEY_VARIABLE}}\``, `'content-type': 'application/json'`];
  if (pinVersion !== undefined) headers.push(`'x-modelgate-version': '${pinVersion}'`);
  return [
    `const body = ${body};`,
    '',
    `const response = await fetch('${apiUrl}/v1/endpoints/${endpoint}/predict', {`,
    `  method: 'POST',`,
    `  headers: { ${headers.join(', ')} },`,
    `  body: JSON.stringify(body),`,
    `});`,
    `if (!response.ok) throw new Error(\`predict failed: \${response.status} \${(await response.json()).detail}\`);`,
    `const { outputs } = await response.json();`,
    `console.log(outputs);`,
  ].join('\n');
}
