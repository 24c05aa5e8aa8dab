import fs from 'node:fs/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  ModelName,
  ProblemCode,
  type ModelDetail,
  type ModelList,
  type ModelSummary,
  type ModelVersion,
} from '@modelgate/contracts';
import { Prisma, type Db } from '@modelgate/db';
import { InvalidModelError, inspectModelIsolated } from '@modelgate/runtime';
import type { ArtifactStore } from '@modelgate/runtime/artifacts';
import type { FastifyRequest } from 'fastify';
import { ARTIFACT_STORE } from '../artifacts/artifacts.module.js';
import { ProblemException } from '../common/problem.exception.js';
import { parseRequest } from '../common/zod-validation.js';
import { API_CONFIG, type ApiConfig } from '../config/api-config.js';
import { DB } from '../infrastructure/database.module.js';
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
  ) {}

  /**
   * Upload → validate in an isolated process → store → one transaction for the rows. Re-uploading
   * bytes a model already has returns that version instead of a duplicate (same sha256 = same model).
   */
  async uploadVersion(modelName: string, request: FastifyRequest): Promise<UploadOutcome> {
    const name = parseRequest(ModelName, modelName, 'path');
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
      const inspection = await inspectModelIsolated(upload.tempPath, { timeoutMs: this.config.MODELGATE_VALIDATION_TIMEOUT_MS }).catch(
        (error: unknown) => {
          if (error instanceof InvalidModelError) {
            throw new ProblemException(422, ProblemCode.invalidModel, `${upload.fileName ?? 'the upload'} is not a usable ONNX model: ${error.message}`);
          }
          throw error;
        },
      );
      storedNewArtifact = !(await this.artifacts.has(upload.sha256));
      await this.artifacts.putFile(upload.tempPath, upload.sha256);
      const row = await this.db.$transaction(async (tx) => {
        const model = await tx.model.upsert({ where: { name }, create: { name }, update: {} });
        // Serialise version numbering per model: concurrent uploads get 1, 2, … without gaps or clashes.
        await tx.$queryRaw`SELECT id FROM models WHERE id = ${model.id}::uuid FOR UPDATE`;
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
          },
        });
        await tx.model.update({ where: { id: model.id }, data: { updatedAt: new Date() } });
        return version;
      });
      this.logger.log(`model ${name} v${row.version} stored (${upload.sha256}, ${upload.sizeBytes} bytes)`);
      return { version: toVersionView(row, name), created: true };
    } catch (error) {
      await fs.rm(upload.tempPath, { force: true });
      if (storedNewArtifact) {
        const stillReferenced = await this.db.modelVersion.count({ where: { sha256: upload.sha256 } }).catch(() => 1);
        if (stillReferenced === 0) await this.artifacts.remove(upload.sha256);
      }
      throw error;
    }
  }

  async list(): Promise<ModelList> {
    const models = await this.db.model.findMany({
      orderBy: { name: 'asc' },
      include: { versions: { select: { version: true }, where: { archivedAt: null }, orderBy: { version: 'desc' } } },
    });
    return {
      items: models.map((model) => this.toSummary(model, model.versions.map((v) => v.version))),
    };
  }

  async get(modelName: string): Promise<ModelDetail> {
    const model = await this.db.model.findUnique({
      where: { name: modelName },
      include: { versions: { where: { archivedAt: null }, orderBy: { version: 'desc' } } },
    });
    if (!model) throw ProblemException.notFound(`model "${modelName}" does not exist`);
    return {
      ...this.toSummary(model, model.versions.map((v) => v.version)),
      versions: model.versions.map((version) => toVersionView(version, model.name)),
    };
  }

  async getVersion(modelName: string, versionParam: string): Promise<ModelVersion> {
    const version = Number(versionParam);
    if (!Number.isInteger(version) || version < 1) {
      throw ProblemException.badInput(`version must be a positive integer; got "${versionParam}"`);
    }
    const row = await this.db.modelVersion.findFirst({ where: { model: { name: modelName }, version, archivedAt: null } });
    if (!row) {
      const modelExists = await this.db.model.count({ where: { name: modelName } });
      throw ProblemException.notFound(modelExists ? `model "${modelName}" has no version ${version}` : `model "${modelName}" does not exist`);
    }
    return toVersionView(row, modelName);
  }

  private toSummary(
    model: { id: string; name: string; description: string; createdAt: Date; updatedAt: Date },
    versions: number[],
  ): ModelSummary {
    return {
      id: model.id,
      name: model.name,
      description: model.description,
      versionCount: versions.length,
      latestVersion: versions[0] ?? null,
      createdAt: model.createdAt.toISOString(),
      updatedAt: model.updatedAt.toISOString(),
    };
  }
}
