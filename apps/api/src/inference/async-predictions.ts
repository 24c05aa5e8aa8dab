import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AsyncPrediction, type AsyncPredictionAccepted, type PredictResponse, type Problem } from '@modelgate/contracts';
import { type Principal } from '../auth/principal.js';
import { ProblemException } from '../common/problem.exception.js';
import { toProblem } from '../common/problem.filter.js';
import { API_CONFIG, type ApiConfig } from '../config/api-config.js';
import { RedisBus } from '../infrastructure/redis.module.js';

interface StoredPrediction extends AsyncPrediction {
  /** Who may read it: the user or key that asked. */
  owner: string;
}

const ownerOf = (principal: Principal) => (principal.kind === 'user' ? `user:${principal.user.id}` : `key:${principal.credential.id}`);

/**
 * `?async=true` predictions: accepted at once (202), run in the background in this process, the
 * outcome kept in Redis for MODELGATE_ASYNC_RESULT_TTL_SEC and readable only by whoever asked (or
 * an admin). A prediction whose process stops before it finishes stays pending until it expires.
 */
@Injectable()
export class AsyncPredictions {
  private readonly logger = new Logger(AsyncPredictions.name);

  constructor(
    private readonly bus: RedisBus,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  async start(endpoint: string, principal: Principal, run: () => Promise<PredictResponse>): Promise<AsyncPredictionAccepted> {
    const id = randomUUID();
    const record: StoredPrediction = { id, status: 'pending', endpoint, createdAt: new Date().toISOString(), completedAt: null, result: null, error: null, owner: ownerOf(principal) };
    await this.save(record);
    void run()
      .then(
        (result) => ({ ...record, status: 'succeeded' as const, result }),
        (error: unknown) => ({ ...record, status: 'failed' as const, error: this.problemOf(error, id) }),
      )
      .then((done) => this.save({ ...done, completedAt: new Date().toISOString() }))
      .catch((error: unknown) => this.logger.error(`could not store the outcome of prediction ${id}: ${(error as Error).message}`));
    return { id, status: 'pending', statusUrl: `/v1/predictions/${id}` };
  }

  async get(id: string, principal: Principal): Promise<AsyncPrediction> {
    const stored = /^[0-9a-f-]{36}$/.test(id) ? await this.bus.connection.get(this.key(id)) : null;
    const record = stored ? (JSON.parse(stored) as StoredPrediction) : null;
    const admin = principal.kind === 'user' && principal.user.role === 'admin';
    if (!record || (record.owner !== ownerOf(principal) && !admin)) {
      throw ProblemException.notFound(`there is no prediction "${id}" of yours: results are kept for ${this.config.MODELGATE_ASYNC_RESULT_TTL_SEC} s after they are asked for`);
    }
    const { owner: _owner, ...prediction } = record;
    return AsyncPrediction.parse(prediction);
  }

  private problemOf(error: unknown, id: string): Problem {
    return toProblem(error, `/v1/predictions/${id}`, this.logger).problem;
  }

  private async save(record: StoredPrediction) {
    await this.bus.connection.set(this.key(record.id), JSON.stringify(record), 'EX', this.config.MODELGATE_ASYNC_RESULT_TTL_SEC);
  }

  private key(id: string) {
    return `${this.bus.prefix}:prediction:${id}`;
  }
}
