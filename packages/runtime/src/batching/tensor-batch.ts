import type { Signature } from '@modelgate/contracts';
import { allocateTensorData, elementCount, type HostTensor, type HostTensorData } from '../tensors/host-tensor.js';

export interface BatchRequest {
  inputs: Record<string, HostTensor>;
  /** Tensor outputs to fetch; every tensor output when absent. */
  outputs?: string[];
}

export interface BatchAnswer {
  result: Record<string, HostTensor> | Error;
  /** How many requests shared the run that answered this one (1 when it ran alone). */
  runSize: number;
}

/** Anything that runs a model: an OnnxModel, or a test double. */
export interface BatchableModel {
  readonly signature: Signature;
  run(inputs: Record<string, HostTensor>, outputNames?: string[]): Promise<Record<string, HostTensor>>;
}

/**
 * Runs requests for one model, batched where the model allows it: requests whose inputs agree on
 * every dimension but the first (and that ask for the same outputs) are concatenated along the
 * first dimension, run once, and the outputs split back by rows. A model with a fixed first
 * dimension runs each request on its own (concurrently). If a batched run fails, its requests are
 * retried one by one, so one request that breaks the model never fails the others.
 */
export async function runBatched(model: BatchableModel, requests: BatchRequest[]): Promise<BatchAnswer[]> {
  const answers: BatchAnswer[] = new Array(requests.length);
  const runAlone = async (index: number) => {
    try {
      answers[index] = { result: await model.run(requests[index]!.inputs, requests[index]!.outputs), runSize: 1 };
    } catch (error) {
      answers[index] = { result: error instanceof Error ? error : new Error(String(error)), runSize: 1 };
    }
  };
  const groups = model.signature.batchable && requests.length > 1 ? groupCompatible(requests) : requests.map((_, index) => [index]);
  await Promise.all(
    groups.map(async (group) => {
      if (group.length === 1) return runAlone(group[0]!);
      const members = group.map((index) => requests[index]!);
      const { inputs, rows } = concatRows(members.map((member) => member.inputs));
      try {
        const outputs = await model.run(inputs, members[0]!.outputs);
        const parts = splitRows(outputs, rows);
        if (!parts) return Promise.all(group.map(runAlone));
        group.forEach((index, position) => (answers[index] = { result: parts[position]!, runSize: group.length }));
      } catch {
        await Promise.all(group.map(runAlone));
      }
    }),
  );
  return answers;
}

/** Indices of requests that can share a run: same outputs asked for, same shape but for rows. */
function groupCompatible(requests: BatchRequest[]): number[][] {
  const groups = new Map<string, number[]>();
  requests.forEach((request, index) => {
    const names = Object.keys(request.inputs).sort();
    const key = JSON.stringify([
      request.outputs ?? null,
      names.map((name) => {
        const tensor = request.inputs[name]!;
        return [name, tensor.dtype, tensor.shape.length === 0 ? null : tensor.shape.slice(1)];
      }),
    ]);
    // A scalar input has no rows to concatenate: such requests run alone.
    const rowless = names.some((name) => request.inputs[name]!.shape.length === 0);
    const group = rowless ? undefined : groups.get(key);
    if (group) group.push(index);
    else groups.set(rowless ? `alone:${index}` : key, [index]);
  });
  return [...groups.values()];
}

/** Concatenates each input along its first dimension; `rows` says how many each request gave. */
export function concatRows(inputsList: Record<string, HostTensor>[]): { inputs: Record<string, HostTensor>; rows: number[] } {
  const first = inputsList[0]!;
  const rows = inputsList.map((inputs) => Object.values(inputs)[0]?.shape[0] ?? 0);
  const inputs: Record<string, HostTensor> = {};
  for (const name of Object.keys(first)) {
    const parts = inputsList.map((each) => each[name]!);
    const totalRows = parts.reduce((sum, part) => sum + part.shape[0]!, 0);
    const shape = [totalRows, ...first[name]!.shape.slice(1)];
    inputs[name] = { dtype: first[name]!.dtype, shape, data: concatData(parts.map((part) => part.data), first[name]!.dtype, elementCount(shape)) };
  }
  return { inputs, rows };
}

/** Splits each output by rows; null when an output has no row dimension matching the batch. */
export function splitRows(outputs: Record<string, HostTensor>, rows: number[]): Record<string, HostTensor>[] | null {
  const total = rows.reduce((sum, count) => sum + count, 0);
  const parts: Record<string, HostTensor>[] = rows.map(() => ({}));
  for (const [name, tensor] of Object.entries(outputs)) {
    if (tensor.shape[0] !== total) return null;
    const perRow = elementCount(tensor.shape.slice(1));
    let offset = 0;
    rows.forEach((count, index) => {
      const start = offset * perRow;
      const end = (offset + count) * perRow;
      parts[index]![name] = { dtype: tensor.dtype, shape: [count, ...tensor.shape.slice(1)], data: sliceData(tensor.data, start, end) };
      offset += count;
    });
  }
  return parts;
}

function concatData(parts: HostTensorData[], dtype: HostTensor['dtype'], length: number): HostTensorData {
  if (dtype === 'string') return (parts as string[][]).flat();
  const joined = allocateTensorData(dtype, length) as Exclude<HostTensorData, string[]>;
  let offset = 0;
  for (const part of parts as Exclude<HostTensorData, string[]>[]) {
    (joined as Float32Array).set(part as Float32Array, offset);
    offset += part.length;
  }
  return joined;
}

/** A copy, not a view: a view would keep the whole batch's output alive for each request. */
function sliceData(data: HostTensorData, start: number, end: number): HostTensorData {
  return Array.isArray(data) ? data.slice(start, end) : (data.slice(start, end) as HostTensorData);
}
