import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, integerFromEnv, parseEnv, SharedEnv } from './config.js';

const schema = z.object({ ...SharedEnv, PORT: integerFromEnv(1, 65535).default(4000) });

describe('parseEnv', () => {
  it('applies defaults, treating empty strings as unset', () => {
    const config = parseEnv(schema, { PORT: '', REDIS_URL: undefined });
    expect(config.PORT).toBe(4000);
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.MODELGATE_REDIS_PREFIX).toBe('modelgate');
  });

  it('names the bad variable and the value that came', () => {
    let error: unknown;
    try {
      parseEnv(schema, { PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT: .*\(got "eighty"\)/);
    expect(message).toMatch(/DATABASE_URL: .*\(got "mysql:\/\/x"\)/);
  });
});
