import { ModelgateApiError, ModelgateUnreachableError } from '@modelgate/sdk';
import { describe, expect, it } from 'vitest';
import { createCliContext } from './cli-context.js';
import { parseApiUrl, parseVersionNumber } from './program.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, apiErrorLines, reportFailure, runCli } from './run-cli.js';

function capture() {
  const stdout = { text: '', write: (chunk: string) => (stdout.text += chunk) };
  const stderr = { text: '', write: (chunk: string) => (stderr.text += chunk) };
  return { stdout, stderr, context: createCliContext(stdout, stderr, {}) };
}

/** Runs the CLI in-process; no API is needed for anything refused before a request. */
async function run(...args: string[]) {
  const { stdout, stderr, context } = capture();
  const code = await runCli(['node', 'modelgate', ...args], context);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('usage errors (exit 2, nothing on stdout)', () => {
  it.each([
    [['models', 'upload'], "error: missing required argument 'model'"],
    [['models', 'upload', 'iris'], "error: missing required argument 'file'"],
    [['models', 'lst'], "error: unknown command 'lst'\n(Did you mean list?)"],
    [['versions', 'show', 'iris', 'latest'], "error: command-argument value 'latest' is invalid for argument 'version'. expected a version number like 3"],
    [['--api-url', 'localhost:4000', 'models', 'list'], "error: option '--api-url <url>' argument 'localhost:4000' is invalid. expected an http:// or https:// URL"],
    [['models', 'upload', 'iris', 'm.onnx', '--metrics', 'acc=1'], "error: option '--metrics <json>' argument 'acc=1' is invalid. not valid JSON"],
    [['models', 'list', '--bogus'], "error: unknown option '--bogus'"],
  ])('%j', async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('(add --help for usage)');
    expect(result.stdout).toBe('');
  });

  it('shows the help on stderr when no command is given', async () => {
    const result = await run();
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toContain('Usage: modelgate [options] [command]');
  });
});

describe('help and version (exit 0, on stdout)', () => {
  it('documents the upload options', async () => {
    const result = await run('models', 'upload', '--help');
    expect(result.code).toBe(EXIT_OK);
    for (const option of ['--description <text>', '--tag <tag>', '--metrics <json>', '--sample-input <json-file>', '--quiet']) {
      expect(result.stdout).toContain(option);
    }
  });

  it('names the environment variable of --api-url', async () => {
    expect((await run('--help')).stdout).toContain('env: MODELGATE_API_URL');
  });

  it('prints its version', async () => {
    expect(await run('--version')).toEqual({ code: EXIT_OK, stdout: '0.1.0\n', stderr: '' });
  });
});

describe('argument parsers', () => {
  it('reads version numbers as printed (3 or v3)', () => {
    expect(parseVersionNumber('3')).toBe(3);
    expect(parseVersionNumber('v12')).toBe(12);
    for (const bad of ['0', '-1', '1.5', 'latest', '', '1e3']) expect(() => parseVersionNumber(bad)).toThrow('expected a version number like 3');
  });

  it('accepts http(s) API URLs only', () => {
    expect(parseApiUrl('https://models.example/gate')).toBe('https://models.example/gate');
    expect(() => parseApiUrl('not a url')).toThrow('expected a URL like http://127.0.0.1:4000');
    expect(() => parseApiUrl('ftp://x')).toThrow('expected an http:// or https:// URL');
  });
});

describe('a missing model file', () => {
  it('fails with exit 1 naming the path, before any request (the API URL is never tried)', async () => {
    const result = await run('--api-url', 'http://127.0.0.1:9', 'models', 'upload', 'iris', '/nowhere/model.onnx');
    expect(result).toEqual({ code: EXIT_FAILURE, stdout: '', stderr: 'error: cannot read the model file /nowhere/model.onnx: no such file\n' });
  });
});

describe('reportFailure', () => {
  const problem = { type: 't', title: 'Bad Request', status: 400, detail: 'body.tags.0: too long', code: 'validation_failed' };

  it("prints the API's detail and the field errors it does not already contain", () => {
    const error = new ModelgateApiError({
      ...problem,
      detail: 'metadata.sampleInput does not fit',
      errors: [{ path: 'metadata.sampleInput.inputs.x', message: 'expects float32 [N,2]; got [1,3]' }],
    });
    expect(apiErrorLines(error)).toEqual(['metadata.sampleInput does not fit', '  metadata.sampleInput.inputs.x: expects float32 [N,2]; got [1,3]']);
    expect(apiErrorLines(new ModelgateApiError({ ...problem, errors: [{ path: 'body.tags.0', message: 'too long' }] }))).toEqual(['body.tags.0: too long']);
  });

  it('gives exit 1 and one error line for API errors, no stack', () => {
    const { stderr, context } = capture();
    expect(reportFailure(new ModelgateApiError(problem), context)).toBe(EXIT_FAILURE);
    expect(stderr.text).toBe('error: body.tags.0: too long\n');
  });

  it('gives exit 1 for an API that does not answer, saying where it looked', () => {
    const { stderr, context } = capture();
    expect(reportFailure(new ModelgateUnreachableError('http://127.0.0.1:4000', 'ECONNREFUSED'), context)).toBe(EXIT_FAILURE);
    expect(stderr.text).toBe(
      'error: the Modelgate API at http://127.0.0.1:4000 is not answering: ECONNREFUSED\n  is the API running there? Point --api-url or MODELGATE_API_URL at it.\n',
    );
  });

  it('shows the stack of an unexpected error: that is a bug to report', () => {
    const { stderr, context } = capture();
    expect(reportFailure(new RangeError('boom'), context)).toBe(EXIT_FAILURE);
    expect(stderr.text).toMatch(/^error: RangeError: boom\n\s+at /);
  });
});
