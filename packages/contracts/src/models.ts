import { z } from 'zod';
import { ModelFacts, Signature } from './signature.js';

export const VersionStatus = z.enum(['ready', 'failed']);

/** An example request for a version, shown in the dashboard's ready-to-copy snippets. */
export const SampleInput = z.object({ inputs: z.record(z.string(), z.unknown()) }).strict();
export type SampleInput = z.infer<typeof SampleInput>;

/**
 * Free metadata a data scientist attaches to a version, at upload (`metadata` form field) or later
 * (PATCH). The artifact itself never changes; this does.
 */
export const VersionMetadata = z
  .object({
    description: z.string().max(10_000).optional(),
    tags: z.array(z.string().min(1).max(64)).max(50).optional(),
    metrics: z.record(z.string(), z.unknown()).optional(),
    /** Checked against the signature like a prediction request. */
    sampleInput: SampleInput.optional(),
  })
  .strict();
export type VersionMetadata = z.infer<typeof VersionMetadata>;

/** PATCH body: the fields given replace the stored ones; `null` clears one. */
export const UpdateVersionBody = z
  .object({
    description: z.string().max(10_000).nullable().optional(),
    tags: z.array(z.string().min(1).max(64)).max(50).nullable().optional(),
    metrics: z.record(z.string(), z.unknown()).nullable().optional(),
    sampleInput: SampleInput.nullable().optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'send at least one of description, tags, metrics, sampleInput');
export type UpdateVersionBody = z.infer<typeof UpdateVersionBody>;

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
  /** Set when archived: the version keeps its number and artifact but can no longer be deployed. */
  archivedAt: z.string().nullable(),
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
