import fs from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AuditAction,
  ModelName,
  ProblemCode,
  UpdateVersionBody,
  type ModelDetail,
  type ModelList,
  type ModelSummary,
  type ModelVersion,
  type Signature,
  type VersionMetadata,
} from '@modelgate/contracts';
import { Prisma, type Db } from '@modelgate/db';
import { InvalidModelError, inspectModelIsolated } from '@modelgate/runtime';
import type { ArtifactStore } from '@modelgate/runtime/artifacts';
import type { FastifyRequest } from 'fastify';
import { ARTIFACT_STORE } from '../artifacts/artifacts.module.js';
import { AuditService } from '../audit/audit.service.js';
import { principalLabel, type RequestActor } from '../auth/principal.js';
import { ProblemException } from '../common/problem.exception.js';
import { parseRequest } from '../common/zod-validation.js';
import { API_CONFIG, type ApiConfig } from '../config/api-config.js';
import { DB } from '../infrastructure/database.module.js';
import { assertSampleInputFits } from './sample-input.js';
import { receiveModelUpload } from './upload-receiver.js';
import { toVersionView } from './version-view.js';

export interface UploadOutcome {
  version: ModelVersion;
  /** False when identical bytes were already a version of this model (answered with that one). */
  created: boolean;
}

@Injectable()
export class ModelsService {
  private readonly logger = new Logger(ModelsService.name);

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(ARTIFACT_STORE) private readonly artifacts: ArtifactStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly audit: AuditService,
  ) {}

  /**
   * Upload → validate in an isolated process → store → one transaction for the rows. Re-uploading
   * bytes a model already has returns that version instead of a duplicate (same sha256 = same model).
   */
  async uploadVersion(modelName: string, request: FastifyRequest, actor: RequestActor): Promise<UploadOutcome> {
    const checkedName = ModelName.safeParse(modelName);
    if (!checkedName.success) {
      throw ProblemException.badInput(`"${modelName}" is not a valid model name: ${checkedName.error.issues[0]?.message}`, [
        { path: 'path.model', message: checkedName.error.issues[0]?.message ?? 'invalid' },
      ]);
    }
    const name = checkedName.data;
    const upload = await receiveModelUpload(request, this.config.uploadsDir, this.config.MODELGATE_MAX_UPLOAD_BYTES);
    let storedNewArtifact = false;
    try {
      const existing = await this.db.modelVersion.findFirst({
        where: { model: { name }, sha256: upload.sha256, archivedAt: null },
      });
      if (existing) {
        // The same bytes again: answer with that version, and restore its artifact if the store
        // lost it (the file is only moved in when missing, so nothing else changes).
        await this.artifacts.putFile(upload.tempPath, upload.sha256);
        return { version: toVersionView(existing, name), created: false };
      }
      const inspection = await inspectModelIsolated(upload.tempPath, {
        timeoutMs: this.config.MODELGATE_VALIDATION_TIMEOUT_MS,
        memoryLimitMb: this.config.MODELGATE_VALIDATION_MEMORY_MB,
      }).catch((error: unknown) => {
        if (error instanceof InvalidModelError) {
          throw new ProblemException(422, ProblemCode.invalidModel, `${upload.fileName ?? 'the upload'} is not a usable ONNX model: ${error.message}`);
        }
        throw error;
      });
      if (upload.metadata.sampleInput) assertSampleInputFits(inspection.signature, upload.metadata.sampleInput, 'metadata');
      storedNewArtifact = !(await this.artifacts.has(upload.sha256));
      await this.artifacts.putFile(upload.tempPath, upload.sha256);
      const outcome = await this.db.$transaction(async (tx) => {
        // Prisma's upsert reads then inserts, so two first uploads of a new model would collide on
        // the unique name; ON CONFLICT makes creating the model atomic.
        await tx.$executeRaw`INSERT INTO models (id, name, updated_at) VALUES (gen_random_uuid(), ${name}, now()) ON CONFLICT (name) DO NOTHING`;
        // Serialise version numbering per model: concurrent uploads get 1, 2, … without gaps or clashes.
        const [model] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM models WHERE name = ${name} FOR UPDATE`;
        if (!model) throw new Error(`model "${name}" vanished while its version was being written`);
        // Checked again under the lock: the same bytes uploaded twice at once make one version.
        const twin = await tx.modelVersion.findFirst({ where: { modelId: model.id, sha256: upload.sha256, archivedAt: null } });
        if (twin) return { row: twin, created: false };
        const last = await tx.modelVersion.aggregate({ where: { modelId: model.id }, _max: { version: true } });
        const version = await tx.modelVersion.create({
          data: {
            modelId: model.id,
            version: (last._max.version ?? 0) + 1,
            sha256: upload.sha256,
            sizeBytes: BigInt(upload.sizeBytes),
            fileName: upload.fileName,
            signature: inspection.signature as unknown as Prisma.InputJsonValue,
            facts: inspection.facts as unknown as Prisma.InputJsonValue,
            warnings: inspection.warnings,
            metadata: upload.metadata as Prisma.InputJsonValue,
            createdBy: actor.principal ? principalLabel(actor.principal) : null,
          },
        });
        await tx.model.update({ where: { id: model.id }, data: { updatedAt: new Date() } });
        const view = toVersionView(version, name);
        await this.audit.record(
          actor,
          { action: AuditAction.versionUpload, target: versionTarget(view), after: { sha256: view.sha256, sizeBytes: view.sizeBytes, fileName: view.fileName, metadata: view.metadata } },
          tx,
        );
        return { row: version, created: true };
      });
      if (outcome.created) this.logger.log(`model ${name} v${outcome.row.version} stored (${upload.sha256}, ${upload.sizeBytes} bytes)`);
      return { version: toVersionView(outcome.row, name), created: outcome.created };
    } catch (error) {
      await fs.rm(upload.tempPath, { force: true });
      if (storedNewArtifact) {
        const stillReferenced = await this.db.modelVersion.count({ where: { sha256: upload.sha256 } }).catch(() => 1);
        if (stillReferenced === 0) await this.artifacts.remove(upload.sha256);
      }
      throw error;
    }
  }

  /** All models, optionally only those whose name contains `query`. */
  async list(query?: string): Promise<ModelList> {
    const search = query?.trim();
    const models = await this.db.model.findMany({
      where: search ? { name: { contains: search.toLowerCase() } } : {},
      orderBy: { name: 'asc' },
      include: { versions: { select: { version: true, archivedAt: true }, orderBy: { version: 'desc' } } },
    });
    return { items: models.map((model) => this.toSummary(model, model.versions)) };
  }

  /** A model with all its versions, archived ones included (they keep their numbers). */
  async get(modelName: string): Promise<ModelDetail> {
    const model = await this.db.model.findUnique({
      where: { name: modelName },
      include: { versions: { orderBy: { version: 'desc' } } },
    });
    if (!model) throw ProblemException.notFound(`model "${modelName}" does not exist`);
    return {
      ...this.toSummary(model, model.versions),
      versions: model.versions.map((version) => toVersionView(version, model.name)),
    };
  }

  async getVersion(modelName: string, versionParam: string): Promise<ModelVersion> {
    return toVersionView(await this.findVersionRow(modelName, versionParam), modelName);
  }

  /** Replaces the given metadata fields (null clears one); the artifact and signature never change. */
  async updateVersion(modelName: string, versionParam: string, body: unknown, actor: RequestActor): Promise<ModelVersion> {
    const patch = parseRequest(UpdateVersionBody, body);
    const row = await this.findVersionRow(modelName, versionParam);
    if (patch.sampleInput) assertSampleInputFits(row.signature as unknown as Signature, patch.sampleInput, 'body');
    const metadata: Record<string, unknown> = { ...(row.metadata as VersionMetadata) };
    for (const [field, value] of Object.entries(patch)) {
      if (value === null) delete metadata[field];
      else if (value !== undefined) metadata[field] = value;
    }
    const updated = await this.db.$transaction(async (tx) => {
      const changed = await tx.modelVersion.update({ where: { id: row.id }, data: { metadata: metadata as Prisma.InputJsonValue } });
      const view = toVersionView(changed, modelName);
      await this.audit.record(actor, { action: AuditAction.versionUpdate, target: versionTarget(view), before: row.metadata, after: changed.metadata }, tx);
      return view;
    });
    return updated;
  }

  /**
   * Archives a version: it keeps its number and artifact (history stays readable and downloadable)
   * but can no longer be deployed. Refused while an endpoint's active revision routes or shadows
   * to it. The version row is locked so a promote running at the same time either sees the archive
   * or is seen by it (promote takes the same row lock).
   */
  async archiveVersion(modelName: string, versionParam: string, actor: RequestActor): Promise<ModelVersion> {
    const found = await this.findVersionRow(modelName, versionParam);
    const row = await this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM model_versions WHERE id = ${found.id}::uuid FOR UPDATE`;
      const current = await tx.modelVersion.findUniqueOrThrow({ where: { id: found.id } });
      if (current.archivedAt) return current;
      const users = await tx.$queryRaw<{ name: string; number: number }[]>`
        SELECT e.name, r.number FROM endpoints e JOIN revisions r ON r.id = e.active_revision_id
        WHERE r.routes @> ${JSON.stringify([{ versionId: found.id }])}::jsonb
           OR r.shadows @> ${JSON.stringify([{ versionId: found.id }])}::jsonb
        ORDER BY e.name`;
      if (users.length > 0) {
        const names = users.map((user) => `"${user.name}" (revision ${user.number})`).join(', ');
        throw ProblemException.conflict(
          `${modelName} v${current.version} still receives traffic from endpoint ${names}: promote another version there before archiving it`,
          ProblemCode.versionInUse,
        );
      }
      const archived = await tx.modelVersion.update({ where: { id: found.id }, data: { archivedAt: new Date() } });
      await this.audit.record(
        actor,
        { action: AuditAction.versionArchive, target: versionTarget(toVersionView(archived, modelName)), before: { archivedAt: null }, after: { archivedAt: archived.archivedAt } },
        tx,
      );
      return archived;
    });
    return toVersionView(row, modelName);
  }

  /** The artifact's bytes for embedded and browser use; verified against its sha256 on the way in. */
  async openArtifact(modelName: string, versionParam: string): Promise<{ version: ModelVersion; stream: Readable }> {
    const row = await this.findVersionRow(modelName, versionParam);
    if (!(await this.artifacts.has(row.sha256))) {
      throw new ProblemException(503, ProblemCode.unavailable, `the artifact of ${modelName} v${row.version} (${row.sha256}) is missing from the artifact store`);
    }
    return { version: toVersionView(row, modelName), stream: this.artifacts.openStream(row.sha256) };
  }

  private async findVersionRow(modelName: string, versionParam: string) {
    const version = Number(versionParam);
    if (!Number.isInteger(version) || version < 1) {
      throw ProblemException.badInput(`version must be a positive integer; got "${versionParam}"`);
    }
    const row = await this.db.modelVersion.findFirst({ where: { model: { name: modelName }, version } });
    if (!row) {
      const modelExists = await this.db.model.count({ where: { name: modelName } });
      throw ProblemException.notFound(modelExists ? `model "${modelName}" has no version ${version}` : `model "${modelName}" does not exist`);
    }
    return row;
  }

  private toSummary(
    model: { id: string; name: string; description: string; createdAt: Date; updatedAt: Date },
    versions: { version: number; archivedAt: Date | null }[],
  ): ModelSummary {
    return {
      id: model.id,
      name: model.name,
      description: model.description,
      versionCount: versions.length,
      latestVersion: versions.find((version) => !version.archivedAt)?.version ?? null,
      createdAt: model.createdAt.toISOString(),
      updatedAt: model.updatedAt.toISOString(),
    };
  }
}

const versionTarget = (version: ModelVersion) => ({ type: 'model_version', id: version.id, label: `${version.model}@v${version.version}` });
