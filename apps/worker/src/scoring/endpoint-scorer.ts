import { Injectable } from '@nestjs/common';
import { chooseRoute, EndpointConfig, stickyFraction, tensorOutputNames, type Signature } from '@modelgate/contracts';
import type { StoredRoute } from '@modelgate/db';
import { runBatched, type BatchRequest } from '@modelgate/runtime';
import { decodeRequestInputs, tensorToJson, TensorInputError } from '@modelgate/runtime/tensors';
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

interface TargetVersion {
  versionId: string;
  model: string;
  version: number;
  weight: number;
  signature: Signature;
}

/** Rows per model run: a chunk of thousands runs as several batches, not one huge tensor. */
const ROWS_PER_RUN_DEFAULT = 64;

/**
 * Scores rows outside the request path (records, batch files, stream messages) with the same
 * runtime as predictions: each row's version is chosen by the endpoint's routing (by the row's key
 * when it has one, so a key keeps its version), rows are decoded against that version's signature
 * (a bad row fails alone, saying which input and why), and each version's rows run batched on the
 * worker's sessions. Answers come back in the rows' order.
 */
@Injectable()
export class EndpointScorer {
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

  /** The versions a target scores with, and how many rows go into one run. */
  private async resolve(target: ScoringTarget): Promise<{ versions: TargetVersion[]; rowsPerRun: number }> {
    const db = this.infrastructure.db;
    if ('versionId' in target) {
      const version = await db.modelVersion.findUnique({ where: { id: target.versionId }, include: { model: { select: { name: true } } } });
      if (!version) throw new Error(`model version ${target.versionId} no longer exists`);
      return {
        versions: [{ versionId: version.id, model: version.model.name, version: version.version, weight: 100, signature: version.signature as unknown as Signature }],
        rowsPerRun: ROWS_PER_RUN_DEFAULT,
      };
    }
    const endpoint = await db.endpoint.findUnique({ where: { name: target.endpoint }, include: { activeRevision: true } });
    if (!endpoint) throw new Error(`endpoint "${target.endpoint}" does not exist`);
    if (!endpoint.activeRevision) throw new Error(`endpoint "${target.endpoint}" has no deployed version`);
    const routes = (endpoint.activeRevision.routes as unknown as StoredRoute[]).filter((route) => route.weight > 0);
    const rows = await db.modelVersion.findMany({ where: { id: { in: routes.map((route) => route.versionId) } }, include: { model: { select: { name: true } } } });
    const versions = routes.map((route) => {
      const version = rows.find((row) => row.id === route.versionId);
      if (!version) throw new Error(`endpoint "${target.endpoint}" routes to a version that no longer exists`);
      return { versionId: version.id, model: version.model.name, version: version.version, weight: route.weight, signature: version.signature as unknown as Signature };
    });
    return { versions, rowsPerRun: EndpointConfig.parse(endpoint.config).batching.maxBatchSize };
  }
}
