import { Injectable } from '@nestjs/common';
import type { RateLimit } from '@modelgate/contracts';
import { RedisBus } from '../infrastructure/redis.module.js';

/**
 * Token bucket in one Lua script, so concurrent requests on every API process share one bucket
 * atomically. The clock is Redis's, not each process's. `required` lets a caller ask "would this
 * pass?" without spending (cost 0), which login throttling uses before checking a password.
 */
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local required = tonumber(ARGV[4])
local clock = redis.call('TIME')
local now = clock[1] * 1000 + math.floor(clock[2] / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local allowed = 0
local wait = 0
if tokens >= required then
  tokens = tokens - cost
  allowed = 1
else
  wait = math.ceil((required - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return { allowed, wait }
`;

export interface BucketAnswer {
  allowed: boolean;
  /** When refused: how long until enough tokens are back. */
  retryAfterMs: number;
}

type TakeCommand = (key: string, perSecond: number, burst: number, cost: number, required: number) => Promise<[number, number]>;

/** How long tokens taken ahead stay usable: unused ones are forfeited, not hoarded. */
const LEASE_MS = 1000;

@Injectable()
export class TokenBuckets {
  private readonly takeCommand: TakeCommand;
  private readonly leases = new Map<string, { tokens: number; until: number }>();

  constructor(private readonly bus: RedisBus) {
    // defineCommand sends the script once and then calls it by its SHA (EVALSHA).
    bus.connection.defineCommand('modelgateTakeToken', { numberOfKeys: 1, lua: TAKE });
    const connection = bus.connection as unknown as { modelgateTakeToken: TakeCommand };
    this.takeCommand = connection.modelgateTakeToken.bind(connection);
  }

  async take(bucket: string, limit: RateLimit, options: { cost?: number; required?: number } = {}): Promise<BucketAnswer> {
    const cost = options.cost ?? 1;
    const required = options.required ?? cost;
    const [allowed, wait] = await this.takeCommand(`${this.bus.prefix}:ratelimit:${bucket}`, limit.perSecond, limit.burst, cost, required);
    return { allowed: allowed === 1, retryAfterMs: wait };
  }

  /**
   * Per-request rate limiting without a Redis round trip per request: this process takes a small
   * share of the bucket at once (1/20 of a second's refill, at least 1 token) and spends it
   * locally. Every process still draws on the one shared bucket, so the limit holds across
   * processes to within one share each; a small limit (a share of 1) stays exact.
   */
  async takeLeased(bucket: string, limit: RateLimit): Promise<BucketAnswer> {
    const now = Date.now();
    const lease = this.leases.get(bucket);
    if (lease && lease.tokens >= 1 && lease.until > now) {
      lease.tokens -= 1;
      return { allowed: true, retryAfterMs: 0 };
    }
    const share = Math.max(1, Math.min(limit.burst, Math.floor(limit.perSecond / 20)));
    if (share > 1) {
      const taken = await this.take(bucket, limit, { cost: share });
      if (taken.allowed) {
        this.leases.set(bucket, { tokens: share - 1, until: now + LEASE_MS });
        return taken;
      }
    }
    return this.take(bucket, limit);
  }

  async reset(bucket: string): Promise<void> {
    await this.bus.connection.del(`${this.bus.prefix}:ratelimit:${bucket}`);
  }
}
