import { Injectable } from '@nestjs/common';
import { chooseRoute, EndpointConfig, rowShapeOf, stickyFraction, tensorOutputNames, type Signature } from '@modelgate/contracts';
import type { StoredRoute } from '@modelgate/db';
import { runBatched, type BatchRequest } from '@modelgate/runtime';
import { decodeRequestInputs, elementCount, tensorRowJson, tensorToJson, TensorInputError, type HostTensor, type NumericTensorData } from '@modelgate/runtime/tensors';
import { ModelSessions } from '../inference/model-sessions.js';
import { WorkerInfrastructure } from '../worker-infrastructure.js';

/** What scores a batch of rows: an endpoint's routing (a version chosen per row) or one pinned version. */
export type ScoringTarget = { endpoint: string } | { versionId: string };

/** One row to score: its JSON inputs (as a predict request's `inputs`) and, for sticky routing, its key. */
export interface ScoreRow {
  key?: string;
  inputs: Record<string, unknown>;
}

export type RowScore =
  | { ok: true; outputs: Record<string, unknown>; versionId: string; model: string; version: number }
  | { ok: false; error: string; versionId?: string };

/** Rows already decoded into batched input tensors (rows along the first dimension of every input). */
export interface TensorBatch {
  inputs: Record<string, HostTensor>;
  count: number;
  /** Row `index`'s routing key: asked only when the target routes to more than one version. */
  keyOf: (index: number) => string;
}

/** A scored row of a TensorBatch: its outputs as JSON text (as `JSON.stringify` writes the outputs object). */
export interface TensorRowScore {
  versionId: string;
  outputsJson: string;
}

interface TargetVersion {
  versionId: string;
  model: string;
  version: number;
  weight: number;
  signature: Signature;
}

/** Rows per model run: a chunk of thousands runs as several batches, not one huge tensor. */
const ROWS_PER_RUN_DEFAULT = 64;
/** Versions whose facts a process keeps (oldest read first out). */
const VERSIONS_KEPT = 256;

/**
 * Scores rows outside the request path (records, batch files, stream messages) with the same
 * runtime as predictions: each row's version is chosen by the endpoint's routing (by the row's key
 * when it has one, so a key keeps its version), rows are decoded against that version's signature
 * (a bad row fails alone, saying which input and why), and each version's rows run batched on the
 * worker's sessions. Answers come back in the rows' order.
 */
@Injectable()
export class EndpointScorer {
  private readonly versionFacts = new Map<string, Omit<TargetVersion, 'weight'>>();

  constructor(
    private readonly infrastructure: WorkerInfrastructure,
    private readonly sessions: ModelSessions,
  ) {}

  async score(target: ScoringTarget, rows: ScoreRow[]): Promise<RowScore[]> {
    const { versions, rowsPerRun } = await this.resolve(target);
    const scores: RowScore[] = new Array(rows.length);
    const byVersion = new Map<TargetVersion, Array<{ index: number; request: BatchRequest }>>();
    rows.forEach((row, index) => {
      const version = chooseRoute(versions, row.key === undefined ? Math.random() : stickyFraction(row.key));
      try {
        const inputs = decodeRequestInputs(version.signature, { inputs: row.inputs });
        // Appended in place: copying the list per row made a chunk of n rows cost n² copies.
        const group = byVersion.get(version) ?? [];
        if (group.length === 0) byVersion.set(version, group);
        group.push({ index, request: { inputs } });
      } catch (error) {
        scores[index] = { ok: false, versionId: version.versionId, error: error instanceof TensorInputError ? error.message : `could not read the inputs: ${(error as Error).message}` };
      }
    });
    for (const [version, decoded] of byVersion) {
      const outputs = tensorOutputNames(version.signature);
      for (let start = 0; start < decoded.length; start += rowsPerRun) {
        const slice = decoded.slice(start, start + rowsPerRun);
        const answers = await this.sessions.use(version.versionId, (model) => runBatched(model, slice.map((item) => item.request)));
        answers.forEach(({ result }, position) => {
          const { index } = slice[position]!;
          scores[index] =
            result instanceof Error
              ? { ok: false, versionId: version.versionId, error: `${version.model}@v${version.version} failed on this row: ${result.message}` }
              : {
                  ok: true,
                  versionId: version.versionId,
                  model: version.model,
                  version: version.version,
                  outputs: Object.fromEntries(outputs.filter((name) => name in result).map((name) => [name, tensorToJson(result[name]!)])),
                };
        });
      }
    }
    return scores;
  }

  /**
   * Scores rows decoded into batched tensors (a batch file's chunk): the happy path of `score`
   * without a JSON value or a tensor per row. Rows are routed as `score` routes them, run
   * `rowsPerRun` at a time straight from views of the batch's tensors, and each row's outputs are
   * written as JSON text from the output tensors. A run that fails (a version whose inputs differ
   * from the tensors', a row that breaks the model) leaves its rows unscored (`undefined`): the
   * caller scores those with `score`, which reads each row against its own version's signature and
   * isolates the row at fault with its reason.
   */
  async scoreTensors(target: ScoringTarget, batch: TensorBatch): Promise<(TensorRowScore | undefined)[]> {
    const { versions, rowsPerRun } = await this.resolve(target);
    // Filled, not holey: callers may filter or map it.
    const scores: (TensorRowScore | undefined)[] = new Array<TensorRowScore | undefined>(batch.count).fill(undefined);
    for (const [version, rows] of routeRows(versions, batch)) {
      const inputs = rows === null ? batch.inputs : takeRows(batch.inputs, rows);
      const count = rows === null ? batch.count : rows.length;
      const outputs = new RowOutputsWriter(version.signature);
      for (let start = 0; start < count; start += rowsPerRun) {
        const end = Math.min(start + rowsPerRun, count);
        let result: Record<string, HostTensor>;
        try {
          result = await this.sessions.use(version.versionId, (model) => model.run(viewRows(inputs, start, end), outputs.names));
        } catch {
          continue;
        }
        if (!outputs.canSplit(result, end - start)) continue;
        for (let run = 0; run < end - start; run++) {
          scores[rows === null ? start + run : rows[start + run]!] = { versionId: version.versionId, outputsJson: outputs.rowJson(result, run) };
        }
      }
    }
    return scores;
  }

  /** The versions a target scores with, and how many rows go into one run. */
  private async resolve(target: ScoringTarget): Promise<{ versions: TargetVersion[]; rowsPerRun: number }> {
    if ('versionId' in target) {
      const [version] = await this.versionsById([target.versionId]);
      return { versions: [{ ...version!, weight: 100 }], rowsPerRun: ROWS_PER_RUN_DEFAULT };
    }
    // Asked for every chunk a worker scores (routing as it stands then), so one query through pg.
    const { rows } = await this.infrastructure.pool.query<{ config: unknown; routes: StoredRoute[] | null }>(
      'SELECT e.config, r.routes FROM endpoints e LEFT JOIN revisions r ON r.id = e.active_revision_id WHERE e.name = $1',
      [target.endpoint],
    );
    const endpoint = rows[0];
    if (!endpoint) throw new Error(`endpoint "${target.endpoint}" does not exist`);
    if (!endpoint.routes) throw new Error(`endpoint "${target.endpoint}" has no deployed version`);
    const routes = endpoint.routes.filter((route) => route.weight > 0);
    const versions = await this.versionsById(routes.map((route) => route.versionId), `endpoint "${target.endpoint}" routes to a version that no longer exists`);
    return {
      versions: routes.map((route, index) => ({ ...versions[index]!, weight: route.weight })),
      rowsPerRun: EndpointConfig.parse(endpoint.config).batching.maxBatchSize,
    };
  }

  /**
   * Model name, version number and signature of each version, in order. A version never changes
   * once uploaded, so each is read once per process.
   */
  private async versionsById(ids: string[], missing?: string): Promise<Omit<TargetVersion, 'weight'>[]> {
    const unknown = ids.filter((id) => !this.versionFacts.has(id));
    if (unknown.length > 0) {
      const { rows } = await this.infrastructure.pool.query<{ id: string; version: number; signature: Signature; model: string }>(
        'SELECT v.id::text, v.version, v.signature, m.name AS model FROM model_versions v JOIN models m ON m.id = v.model_id WHERE v.id = ANY($1::uuid[])',
        [unknown],
      );
      for (const row of rows) {
        if (this.versionFacts.size >= VERSIONS_KEPT) this.versionFacts.delete(this.versionFacts.keys().next().value!);
        this.versionFacts.set(row.id, { versionId: row.id, model: row.model, version: row.version, signature: row.signature });
      }
    }
    return ids.map((id) => {
      const facts = this.versionFacts.get(id);
      if (!facts) throw new Error(missing ?? `model version ${id} no longer exists`);
      return facts;
    });
  }
}

/**
 * Which rows each version scores, by the endpoint's routing (sticky by key). With one version
 * every row is its (`null`: all of them, in order, without hashing a key per row).
 */
function routeRows(versions: TargetVersion[], batch: TensorBatch): Map<TargetVersion, number[] | null> {
  if (versions.length === 1) return new Map([[versions[0]!, null]]);
  const groups = new Map<TargetVersion, number[]>();
  for (let index = 0; index < batch.count; index++) {
    const version = chooseRoute(versions, stickyFraction(batch.keyOf(index)));
    const rows = groups.get(version);
    if (rows) rows.push(index);
    else groups.set(version, [index]);
  }
  return groups;
}

/** Rows `start`…`end − 1` of each input, as views (no copy). */
function viewRows(inputs: Record<string, HostTensor>, start: number, end: number): Record<string, HostTensor> {
  const views: Record<string, HostTensor> = {};
  for (const [name, tensor] of Object.entries(inputs)) {
    const perRow = elementCount(tensor.shape.slice(1));
    views[name] = { dtype: tensor.dtype, shape: [end - start, ...tensor.shape.slice(1)], data: (tensor.data as NumericTensorData).subarray(start * perRow, end * perRow) };
  }
  return views;
}

/** The given rows of each input, copied together in that order. */
function takeRows(inputs: Record<string, HostTensor>, rows: number[]): Record<string, HostTensor> {
  const taken: Record<string, HostTensor> = {};
  for (const [name, tensor] of Object.entries(inputs)) {
    const perRow = elementCount(tensor.shape.slice(1));
    const source = tensor.data as Float32Array;
    const data = new (source.constructor as Float32ArrayConstructor)(rows.length * perRow);
    rows.forEach((row, position) => data.set(source.subarray(row * perRow, (row + 1) * perRow), position * perRow));
    taken[name] = { dtype: tensor.dtype, shape: [rows.length, ...tensor.shape.slice(1)], data };
  }
  return taken;
}

/**
 * Writes each row's outputs as the JSON text `score` would give for the same row: the tensor
 * outputs in signature order, each output with a rows' dimension without it, any other as the
 * row's slice of it.
 */
class RowOutputsWriter {
  readonly names: string[];
  private readonly keys: string[];
  private readonly withRowDimension: boolean[];

  constructor(signature: Signature) {
    this.names = tensorOutputNames(signature);
    this.keys = this.names.map((name) => `${JSON.stringify(name)}:`);
    this.withRowDimension = this.names.map((name) => {
      const output = signature.outputs.find((candidate) => candidate.name === name);
      return output !== undefined && output.isTensor && rowShapeOf(output) !== null;
    });
  }

  /** Every output has one entry per row along its first dimension. */
  canSplit(result: Record<string, HostTensor>, rows: number): boolean {
    return this.names.every((name) => result[name] !== undefined && result[name].shape[0] === rows);
  }

  rowJson(result: Record<string, HostTensor>, row: number): string {
    let text = '{';
    for (let index = 0; index < this.names.length; index++) {
      const json = tensorRowJson(result[this.names[index]!]!, row);
      text += `${index > 0 ? ',' : ''}${this.keys[index]}${this.withRowDimension[index] ? json : `[${json}]`}`;
    }
    return `${text}}`;
  }
}
