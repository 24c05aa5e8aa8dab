import { z } from 'zod';

/**
 * Environment variables shared by the api and the worker. Each app composes its own schema from
 * these and parses it once at boot with `parseEnv`, which names the variable that is wrong.
 */
export const SharedEnv = {
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgresql://postgres@127.0.0.1:5432/modelgate'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  /** Every Redis key and channel of one deployment starts with this (tests use one per run). */
  MODELGATE_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, 'letters, digits, ":", "_" or "-" (1–64 characters)')
    .default('modelgate'),
  MODELGATE_DATA_DIR: z.string().min(1).default('./.data'),
  MODELGATE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** JSON lines for log collectors; `pretty` for people reading a terminal (npm run dev sets it). */
  MODELGATE_LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  /**
   * onnxruntime threads per session, in the worker and in the API (gateway placement): 1 keeps
   * concurrent runs and micro-batches, not one request's operators, on the few cores there are.
   */
  MODELGATE_ORT_INTRA_OP_THREADS: z.coerce.number().int().min(0).max(256).default(1),
  MODELGATE_ORT_INTER_OP_THREADS: z.coerce.number().int().min(0).max(256).default(1),
  /** Memory loaded models may hold per process (estimated); least recently used unpinned ones are unloaded beyond it. */
  MODELGATE_SESSION_MEMORY_MB: z.coerce.number().int().min(16).max(1024 * 1024).default(4096),
  /**
   * Latency rollups are kept per minute this long, then merged into hourly rows (the worker's
   * `rollups` job); the API refuses sub-hour steps over older ranges, which only hourly rows cover.
   */
  MODELGATE_METRICS_MINUTE_RETENTION_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(48),
  /** Hourly rollups older than this are deleted. */
  MODELGATE_METRICS_HOUR_RETENTION_DAYS: z.coerce.number().int().min(1).max(3660).default(90),
} as const;

/** pino transport for the chosen format: none (JSON to stdout) or pino-pretty on one line. */
export function logTransport(format: 'json' | 'pretty') {
  return format === 'pretty'
    ? { target: 'pino-pretty', options: { singleLine: true, ignore: 'pid,hostname,req,res,responseTime', translateTime: 'HH:MM:ss.l', messageKey: 'msg' } }
    : undefined;
}

export const integerFromEnv = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(
      'Invalid configuration:\n' +
        issues.map((issue) => `  ${issue.variable}: ${issue.message}`).join('\n') +
        '\nSee .env.example for every variable and its default.',
    );
    this.name = 'ConfigError';
  }
}

/** Parses `env` with `schema`; empty strings count as unset so `.env` lines like `FOO=` take defaults. */
export function parseEnv<S extends z.ZodObject>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? '(unknown)'),
      message: `${issue.message}${issue.path[0] && present[String(issue.path[0])] !== undefined ? ` (got "${present[String(issue.path[0])]}")` : ''}`,
    })),
  );
}
