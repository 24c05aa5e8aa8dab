import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chooseRoute, stickyFraction } from '@modelgate/contracts';
import { commitRevision, createPrismaClient, Prisma, type Db, type StoredRoute } from '@modelgate/db';
import { createTestDatabase, type TestDatabase } from '@modelgate/db/testing';
import { FilesystemArtifactStore, inspectModel } from '@modelgate/runtime';
import { buildGemmModel, defaultGemmParameters, writeModelFile } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadWorkerConfig } from '../config/worker-config.js';
import { ModelSessions } from '../inference/model-sessions.js';
import { WorkerInfrastructure } from '../worker-infrastructure.js';
import { EndpointScorer, type RowScore } from './endpoint-scorer.js';

/**
 * The scorer every non-realtime path shares (records, batch files, streams), on real PostgreSQL and
 * onnxruntime: versions chosen by the endpoint's routing (sticky by key) or pinned, bad rows failing
 * alone with their reason, and a version's rows run in batches of the endpoint's maxBatchSize.
 */
let database: TestDatabase;
let dataDir: string;
let db: Db;
let infrastructure: WorkerInfrastructure;
let sessions: ModelSessions;
let scorer: EndpointScorer;
const versions = {} as Record<'v1' | 'v2', { id: string; bias: number[] }>;

const IN = 4;
const OUT = 2;
const { weights } = defaultGemmParameters(IN, OUT);

/** y = x · W + b, as the Gemm test model computes it. */
const expected = (x: number[], bias: number[]) => Array.from({ length: OUT }, (_, column) => x.reduce((sum, value, row) => sum + value * weights[row]![column]!, bias[column]!));

async function uploadVersion(model: string, bias: number[]): Promise<{ id: string; bias: number[] }> {
  const bytes = buildGemmModel({ inFeatures: IN, outFeatures: OUT, weights, bias });
  const file = await writeModelFile(path.join(dataDir, 'tmp'), `${model}-${bias.join('_')}.onnx`, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const inspection = await inspectModel(file);
  await new FilesystemArtifactStore(infrastructure.config.artifactsDir).putFile(file, sha256);
  const row = await db.model.upsert({ where: { name: model }, create: { name: model }, update: {} });
  const count = await db.modelVersion.count({ where: { modelId: row.id } });
  const version = await db.modelVersion.create({
    data: {
      modelId: row.id,
      version: count + 1,
      sha256,
      sizeBytes: BigInt(bytes.byteLength),
      signature: inspection.signature as unknown as Prisma.InputJsonValue,
      facts: inspection.facts as unknown as Prisma.InputJsonValue,
    },
  });
  return { id: version.id, bias };
}

async function endpointRouting(name: string, routes: StoredRoute[], config: Record<string, unknown> = {}) {
  await db.endpoint.create({ data: { name, config: config as Prisma.InputJsonValue } });
  if (routes.length === 0) return;
  await db.$transaction((tx) => commitRevision(tx, name, 0, 'test', async () => ({ kind: 'deploy', routes, shadows: [], reason: 'test' })));
}

const row = (x: number[], key?: string) => ({ ...(key === undefined ? {} : { key }), inputs: { x: [x] } });
const features = (index: number) => [index, index / 2, 1 - index, 0.25 * index];

function expectScoredBy(score: RowScore | undefined, version: { id: string; bias: number[] }, x: number[]) {
  expect(score?.ok, JSON.stringify(score)).toBe(true);
  if (!score?.ok) return;
  expect(score.versionId).toBe(version.id);
  const [y] = score.outputs.y as number[][];
  expected(x, version.bias).forEach((value, column) => expect(y![column]).toBeCloseTo(value, 4));
}

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'modelgate-scorer-'));
  const config = loadWorkerConfig({
    DATABASE_URL: database.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    MODELGATE_REDIS_PREFIX: `mgtest-${randomBytes(6).toString('hex')}`,
    MODELGATE_DATA_DIR: dataDir,
  });
  infrastructure = new WorkerInfrastructure(config);
  db = infrastructure.db;
  sessions = new ModelSessions(infrastructure);
  scorer = new EndpointScorer(infrastructure, sessions);
  versions.v1 = await uploadVersion('scored-model', [0.5, -0.25]);
  versions.v2 = await uploadVersion('scored-model', [10, 20]);
  await endpointRouting('split', [
    { versionId: versions.v1.id, weight: 50 },
    { versionId: versions.v2.id, weight: 50 },
  ]);
  await endpointRouting('small-batches', [{ versionId: versions.v1.id, weight: 100 }], { batching: { maxBatchSize: 4, maxDelayMs: 0 } });
  await endpointRouting('undeployed', []);
}, 120_000);

afterAll(async () => {
  await sessions?.onApplicationShutdown();
  await infrastructure?.onApplicationShutdown();
  await database?.drop();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

describe('EndpointScorer', () => {
  it('scores each row with the version its key routes to, and a key keeps its version', async () => {
    const keys = Array.from({ length: 40 }, (_, index) => `user-${index}`);
    const routes = [
      { version: versions.v1, weight: 50 },
      { version: versions.v2, weight: 50 },
    ];
    const scores = await scorer.score({ endpoint: 'split' }, keys.map((key, index) => row(features(index), key)));
    const chosen = keys.map((key) => chooseRoute(routes, stickyFraction(key)).version);
    keys.forEach((_, index) => expectScoredBy(scores[index], chosen[index]!, features(index)));
    // Both versions served some keys: the split is real, not everything on one route.
    expect(new Set(scores.map((score) => score.versionId)).size).toBe(2);

    // Again, in reverse order and with other inputs: every key lands on the same version.
    const again = await scorer.score({ endpoint: 'split' }, [...keys].reverse().map((key) => row([1, 1, 1, 1], key)));
    expect(again.map((score) => score.versionId).reverse()).toEqual(scores.map((score) => score.versionId));
    expect(again.every((score) => score.ok && score.model === 'scored-model')).toBe(true);
  });

  it('scores every row with a pinned version, whatever the endpoints route to', async () => {
    const scores = await scorer.score({ versionId: versions.v2.id }, [row(features(1), 'a'), row(features(2)), row(features(3), 'c')]);
    [1, 2, 3].forEach((index, position) => expectScoredBy(scores[position], versions.v2, features(index)));
    expect(scores.every((score) => score.ok && score.version === 2)).toBe(true);
  });

  it('fails a bad row alone, with the reason naming the input, while its neighbours score', async () => {
    const scores = await scorer.score({ versionId: versions.v1.id }, [
      row(features(1)),
      { inputs: { x: [[1, 2, 3]] } },
      { inputs: {} },
      { inputs: { x: [features(2)], extra: [[1]] } },
      { inputs: { x: [['a', 'b', 'c', 'd']] } },
      row(features(4)),
    ]);
    expectScoredBy(scores[0], versions.v1, features(1));
    expectScoredBy(scores[5], versions.v1, features(4));
    const failures = scores.slice(1, 5).map((score) => (score.ok ? 'scored' : score.error));
    expect(failures[0]).toBe('input "x" expects float32 [N,4]; got [1,3]');
    expect(failures[1]).toBe('missing input "x" (the model expects: x)');
    expect(failures[2]).toBe('unknown input "extra" (the model expects: x)');
    expect(failures[3]).toMatch(/^input "x" expects float32 numbers; got "a" at \[0\]\[0\]/);
    // The version that would have scored a bad row is still named, for the record's history.
    expect(scores.slice(1, 5).every((score) => !score.ok && score.versionId === versions.v1.id)).toBe(true);
  });

  it("runs a version's rows in batches of the endpoint's maxBatchSize, answering in the rows' order", async () => {
    const use = vi.spyOn(sessions, 'use');
    try {
      const scores = await scorer.score({ endpoint: 'small-batches' }, Array.from({ length: 10 }, (_, index) => row(features(index), `k${index}`)));
      // 10 rows, at most 4 per run: 3 runs on the session, not 10 and not one oversized batch.
      expect(use).toHaveBeenCalledTimes(3);
      scores.forEach((score, index) => expectScoredBy(score, versions.v1, features(index)));
    } finally {
      use.mockRestore();
    }
  });

  describe('scoreTensors (rows already in batched tensors)', () => {
    const batchOf = (rows: number[][], keys: string[]) => ({
      inputs: { x: { dtype: 'float32' as const, shape: [rows.length, IN], data: Float32Array.from(rows.flat()) } },
      count: rows.length,
      keyOf: (index: number) => keys[index]!,
    });

    it('routes, runs and answers as score does: the same version per key, the same outputs as JSON text', async () => {
      const keys = Array.from({ length: 40 }, (_, index) => `user-${index}`);
      const inputs = keys.map((_, index) => features(index));
      const byRow = await scorer.score({ endpoint: 'split' }, keys.map((key, index) => row(inputs[index]!, key)));
      const byTensor = await scorer.scoreTensors({ endpoint: 'split' }, batchOf(inputs, keys));
      expect(byTensor).toHaveLength(keys.length);
      byTensor.forEach((score, index) => {
        const expected = byRow[index]!;
        expect(score !== undefined && expected.ok, JSON.stringify(score)).toBe(true);
        if (!score || !expected.ok) return;
        expect(score.versionId).toBe(expected.versionId);
        // score keeps the batch of one a row was sent as; a tensor row has no such dimension.
        expect(score.outputsJson).toBe(JSON.stringify({ y: (expected.outputs.y as number[][])[0] }));
      });
      expect(new Set(byTensor.map((score) => score?.versionId)).size).toBe(2);
    });

    it("runs the rows maxBatchSize at a time, from views of the batch's tensors", async () => {
      const use = vi.spyOn(sessions, 'use');
      try {
        const inputs = Array.from({ length: 10 }, (_, index) => features(index));
        const scores = await scorer.scoreTensors({ endpoint: 'small-batches' }, batchOf(inputs, []));
        expect(use).toHaveBeenCalledTimes(3);
        scores.forEach((score, index) => {
          expect(score).toBeDefined();
          if (!score) return;
          const y = JSON.parse(score.outputsJson).y as number[];
          expected(inputs[index]!, versions.v1.bias).forEach((value, column) => expect(y[column]).toBeCloseTo(value, 4));
        });
      } finally {
        use.mockRestore();
      }
    });

    it('hands back, unscored, the rows of a version the tensors do not fit, and scores the rest', async () => {
      const narrow = await (async () => {
        const bytes = buildGemmModel({ inFeatures: 3, outFeatures: OUT });
        const file = await writeModelFile(path.join(dataDir, 'tmp'), 'narrow.onnx', bytes);
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        const inspection = await inspectModel(file);
        await new FilesystemArtifactStore(infrastructure.config.artifactsDir).putFile(file, sha256);
        const model = await db.model.create({ data: { name: 'narrow-model' } });
        return db.modelVersion.create({
          data: {
            modelId: model.id,
            version: 1,
            sha256,
            sizeBytes: BigInt(bytes.byteLength),
            signature: inspection.signature as unknown as Prisma.InputJsonValue,
            facts: inspection.facts as unknown as Prisma.InputJsonValue,
          },
        });
      })();
      await endpointRouting('mixed-inputs', [
        { versionId: versions.v1.id, weight: 50 },
        { versionId: narrow.id, weight: 50 },
      ]);
      const keys = Array.from({ length: 30 }, (_, index) => `row-${index}`);
      const scores = await scorer.scoreTensors({ endpoint: 'mixed-inputs' }, batchOf(keys.map((_, index) => features(index)), keys));
      const routes = [
        { versionId: versions.v1.id, weight: 50 },
        { versionId: narrow.id, weight: 50 },
      ];
      keys.forEach((key, index) => {
        const chosen = chooseRoute(routes, stickyFraction(key)).versionId;
        if (chosen === narrow.id) expect(scores[index], key).toBeUndefined();
        else expect(scores[index]?.versionId, key).toBe(versions.v1.id);
      });
      expect(scores.filter((score) => score === undefined).length).toBeGreaterThan(0);
    });
  });

  it('refuses a target it cannot score, saying why', async () => {
    await expect(scorer.score({ endpoint: 'undeployed' }, [row(features(1))])).rejects.toThrow('endpoint "undeployed" has no deployed version');
    await expect(scorer.score({ endpoint: 'nowhere' }, [row(features(1))])).rejects.toThrow('endpoint "nowhere" does not exist');
    await expect(scorer.score({ versionId: '00000000-0000-4000-8000-000000000000' }, [row(features(1))])).rejects.toThrow('no longer exists');
  });
});
