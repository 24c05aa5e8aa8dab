import { describe, expect, it } from 'vitest';
import { CliError, EXIT_USAGE } from '../cli-error.js';
import { batchJobSpecOf, collectMapping, pageLimitParser, parseBatchFormat, parseBatchJobStatus, parseChunkSize } from './batch-arguments.js';

describe('--mapping', () => {
  it('reads several columns as a list, one column as a name, and adds to earlier ones', () => {
    const first = collectMapping('x=a, b ,c', undefined);
    expect(first).toEqual({ x: ['a', 'b', 'c'] });
    expect(collectMapping('features=payload', first)).toEqual({ x: ['a', 'b', 'c'], features: 'payload' });
  });

  it('takes a whole JSON object as the API does', () => {
    expect(collectMapping('{"x": ["a", "b"], "y": "c"}', { z: 'd' })).toEqual({ z: 'd', x: ['a', 'b'], y: 'c' });
  });

  it.each([
    ['x', 'expected <input>=<column>[,<column>…], e.g. x=a,b,c or features=features_json; got "x"'],
    ['=a', 'expected <input>=<column>[,<column>…]'],
    ['x=a,,b', 'expected <input>=<column>[,<column>…]'],
    ['x=', 'expected <input>=<column>[,<column>…]'],
    ['{"x": 3}', 'expected a JSON object of input name → column name or list of column names'],
    ['{"x": [}', 'not valid JSON'],
  ])('refuses %j', (value, message) => {
    expect(() => collectMapping(value, undefined)).toThrow(message);
  });

  it('refuses an input mapped twice', () => {
    expect(() => collectMapping('x=c', { x: ['a', 'b'] })).toThrow('input "x" is mapped twice');
  });
});

describe('the other submit options', () => {
  it('--chunk-size is a whole number within the API bounds', () => {
    expect(parseChunkSize('500')).toBe(500);
    expect(parseChunkSize('100000')).toBe(100_000);
    for (const bad of ['0', '100001', '1.5', 'many', '-3']) expect(() => parseChunkSize(bad)).toThrow('expected a whole number of rows from 1 to 100,000');
  });

  it('--format is csv or jsonl, in any case', () => {
    expect(parseBatchFormat('CSV')).toBe('csv');
    expect(parseBatchFormat('jsonl')).toBe('jsonl');
    expect(() => parseBatchFormat('ndjson')).toThrow('expected csv or jsonl; got "ndjson"');
  });

  it('--status names a status, --limit stays in bounds', () => {
    expect(parseBatchJobStatus('Running')).toBe('running');
    expect(() => parseBatchJobStatus('done')).toThrow('expected one of queued, running, succeeded, failed, cancelled; got "done"');
    expect(pageLimitParser(200)('200')).toBe(200);
    expect(() => pageLimitParser(200)('201')).toThrow('expected a whole number from 1 to 200; got "201"');
  });
});

describe('batchJobSpecOf', () => {
  it('sends only what was given: the API has the defaults', () => {
    expect(batchJobSpecOf({ endpoint: 'fraud' })).toEqual({ endpoint: 'fraud' });
    expect(batchJobSpecOf({ model: { model: 'fraud', version: 3 }, mapping: { x: ['a', 'b'] }, format: 'csv', chunkSize: 10, errorBudget: 0, wait: true, quiet: true })).toEqual({
      model: 'fraud',
      version: 3,
      format: 'csv',
      mapping: { x: ['a', 'b'] },
      chunkSize: 10,
      errorBudget: 0,
    });
  });

  it('refuses a job without a target as a usage error', () => {
    const error = (() => {
      try {
        batchJobSpecOf({ chunkSize: 10 });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ exitCode: EXIT_USAGE, message: expect.stringContaining('--endpoint <endpoint>') });
  });
});
