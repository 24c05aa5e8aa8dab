import { z } from 'zod';
import { ModelFacts, Signature } from './signature.js';

export const VersionStatus = z.enum(['ready', 'failed']);

/** Free metadata a data scientist attaches to a version at upload (`metadata` form field). */
export const VersionMetadata = z
  .object({
    description: z.string().max(10_000).optional(),
    tags: z.array(z.string().min(1).max(64)).max(50).optional(),
    metrics: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type VersionMetadata = z.infer<typeof VersionMetadata>;

export const ModelVersion = z.object({
  id: z.string(),
  model: z.string(),
  version: z.number().int().positive(),
  status: VersionStatus,
  sha256: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  fileName: z.string().nullable(),
  signature: Signature,
  facts: ModelFacts,
  warnings: z.array(z.string()),
  metadata: VersionMetadata,
  createdBy: z.string().nullable(),
  createdAt: z.string(),
});
export type ModelVersion = z.infer<typeof ModelVersion>;

export const ModelSummary = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  versionCount: z.number().int(),
  latestVersion: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ModelSummary = z.infer<typeof ModelSummary>;

export const ModelDetail = ModelSummary.extend({ versions: z.array(ModelVersion) });
export type ModelDetail = z.infer<typeof ModelDetail>;

export const ModelList = z.object({ items: z.array(ModelSummary) });
export type ModelList = z.infer<typeof ModelList>;
