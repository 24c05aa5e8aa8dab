import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { OnnxModel, SessionCache, type CachedSession } from '@modelgate/runtime';
import { WorkerInfrastructure } from '../worker-infrastructure.js';

/** onnxruntime sessions of the versions this worker serves, loaded from verified artifacts. */
@Injectable()
export class ModelSessions implements OnApplicationShutdown {
  private readonly cache: SessionCache<OnnxModel>;

  constructor(private readonly infrastructure: WorkerInfrastructure) {
    this.cache = new SessionCache((versionId) => this.load(versionId));
  }

  get(versionId: string): Promise<CachedSession<OnnxModel>> {
    return this.cache.get(versionId);
  }

  has(versionId: string): boolean {
    return this.cache.has(versionId);
  }

  unload(versionId: string): Promise<void> {
    return this.cache.unload(versionId);
  }

  private async load(versionId: string): Promise<OnnxModel> {
    const version = await this.infrastructure.db.modelVersion.findUnique({ where: { id: versionId }, select: { sha256: true } });
    if (!version) throw new Error(`model version ${versionId} does not exist`);
    const bytes = await this.infrastructure.artifacts.readVerified(version.sha256);
    const { config } = this.infrastructure;
    return OnnxModel.load(bytes, {
      intraOpNumThreads: config.MODELGATE_ORT_INTRA_OP_THREADS,
      interOpNumThreads: config.MODELGATE_ORT_INTER_OP_THREADS,
    });
  }

  async onApplicationShutdown() {
    await this.cache.clear();
  }
}
