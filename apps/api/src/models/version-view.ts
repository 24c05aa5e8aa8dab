import type { ModelFacts, ModelVersion, Signature, VersionMetadata } from '@modelgate/contracts';
import type { ModelVersion as ModelVersionRow } from '@modelgate/db';

/** The API shape of a version row; JSON columns were written from the same contracts types. */
export function toVersionView(row: ModelVersionRow, modelName: string): ModelVersion {
  return {
    id: row.id,
    model: modelName,
    version: row.version,
    status: row.status,
    sha256: row.sha256,
    sizeBytes: Number(row.sizeBytes),
    fileName: row.fileName,
    signature: row.signature as unknown as Signature,
    facts: row.facts as unknown as ModelFacts,
    warnings: row.warnings,
    metadata: row.metadata as VersionMetadata,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    archivedAt: row.archivedAt?.toISOString() ?? null,
  };
}
