import { Global, Module } from '@nestjs/common';
import { FilesystemArtifactStore } from '@modelgate/runtime/artifacts';
import { API_CONFIG, type ApiConfig } from '../config/api-config.js';

export const ARTIFACT_STORE = Symbol('ArtifactStore');

@Global()
@Module({
  providers: [
    {
      provide: ARTIFACT_STORE,
      inject: [API_CONFIG],
      useFactory: (config: ApiConfig) => new FilesystemArtifactStore(config.artifactsDir),
    },
  ],
  exports: [ARTIFACT_STORE],
})
export class ArtifactsModule {}
