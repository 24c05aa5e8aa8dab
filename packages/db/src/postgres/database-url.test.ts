import { describe, expect, it } from 'vitest';
import { redactDatabaseUrl } from './database-url.js';

describe('redactDatabaseUrl', () => {
  it('hides the password, and everything where one could be when it is not a URL', () => {
    expect(redactDatabaseUrl('postgresql://app:s3cret@db:5432/modelgate')).toBe('postgresql://app:***@db:5432/modelgate');
    expect(redactDatabaseUrl('postgresql://app@db:5432/modelgate')).toBe('postgresql://app@db:5432/modelgate');
    expect(redactDatabaseUrl('postgres//app:s3cret@db')).not.toContain('s3cret');
  });
});
