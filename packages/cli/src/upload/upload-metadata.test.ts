import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../cli-error.js';
import { assertReadableModelFile, buildUploadMetadata, collectTag, parseMetricsOption, readSampleInputFile } from './upload-metadata.js';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'modelgate-cli-metadata-'));
});
afterAll(() => rm(directory, { recursive: true, force: true }));

async function fileWith(name: string, content: string): Promise<string> {
  const filePath = path.join(directory, name);
  await writeFile(filePath, content);
  return filePath;
}

describe('parseMetricsOption', () => {
  it('accepts a JSON object', () => {
    expect(parseMetricsOption('{"accuracy": 0.97, "f1": {"macro": 0.9}}')).toEqual({ accuracy: 0.97, f1: { macro: 0.9 } });
  });

  it('refuses anything else as a usage error that shows an example', () => {
    expect(() => parseMetricsOption('accuracy=0.97')).toThrow(InvalidArgumentError);
    expect(() => parseMetricsOption('accuracy=0.97')).toThrow(`expected an object like '{"accuracy": 0.97}'`);
    expect(() => parseMetricsOption('[0.97]')).toThrow(`expected a JSON object`);
    expect(() => parseMetricsOption('null')).toThrow(`expected a JSON object`);
  });
});

describe('collectTag', () => {
  it('collects repeated --tag options in order', () => {
    expect(collectTag('b', collectTag('a'))).toEqual(['a', 'b']);
  });
});

describe('readSampleInputFile', () => {
  it('reads a prediction request', async () => {
    const filePath = await fileWith('sample.json', '{"inputs": {"input": [[5.1, 3.5, 1.4]]}}');
    expect(await readSampleInputFile(filePath)).toEqual({ inputs: { input: [[5.1, 3.5, 1.4]] } });
  });

  it('names the file and what is wrong with it', async () => {
    const missing = path.join(directory, 'missing.json');
    await expect(readSampleInputFile(missing)).rejects.toThrow(new CliError(`cannot read the sample input file ${missing}: no such file`));
    const broken = await fileWith('broken.json', '{"inputs": ');
    await expect(readSampleInputFile(broken)).rejects.toThrow(`the sample input file ${broken} is not valid JSON`);
    const bare = await fileWith('bare.json', '{"input": [[1, 2, 3]]}');
    await expect(readSampleInputFile(bare)).rejects.toThrow(`the sample input file ${bare} must hold a prediction request: {"inputs": {"<input name>": tensor, …}}`);
  });
});

describe('buildUploadMetadata', () => {
  it('is undefined when no metadata option is given, so no metadata field is sent', async () => {
    expect(await buildUploadMetadata({})).toBeUndefined();
    expect(await buildUploadMetadata({ tag: [] })).toBeUndefined();
  });

  it('gathers every option', async () => {
    const sample = await fileWith('request.json', '{"inputs": {"x": [[1, 2]]}}');
    expect(await buildUploadMetadata({ description: 'retrained', tag: ['a', 'b'], metrics: { auc: 0.9 }, sampleInput: sample })).toEqual({
      description: 'retrained',
      tags: ['a', 'b'],
      metrics: { auc: 0.9 },
      sampleInput: { inputs: { x: [[1, 2]] } },
    });
  });
});

describe('assertReadableModelFile', () => {
  it('passes a readable file and names the path of one that is not', async () => {
    await expect(assertReadableModelFile(await fileWith('m.onnx', 'x'))).resolves.toBeUndefined();
    const missing = path.join(directory, 'nope.onnx');
    await expect(assertReadableModelFile(missing)).rejects.toThrow(`cannot read the model file ${missing}: no such file`);
    await expect(assertReadableModelFile(directory)).rejects.toThrow(`cannot read the model file ${directory}: it is a directory`);
  });
});
