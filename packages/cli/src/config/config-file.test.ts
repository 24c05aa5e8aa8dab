import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../cli-error.js';
import { readConfigFile, removeConfigFile, writeConfigFile, type StoredCredentials } from './config-file.js';

const CREDENTIALS: StoredCredentials = {
  apiUrl: 'http://127.0.0.1:4000',
  token: 'mgp_3fA9xQ2p_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2Fs',
  tokenId: '2b1c3d4e-0000-4000-8000-000000000001',
  prefix: 'mgp_3fA9xQ2p',
  kind: 'personal_token',
  email: 'ada@example.com',
  issuedByCli: true,
};

const modeOf = async (filePath: string) => (await stat(filePath)).mode & 0o777;

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'modelgate-config-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('writeConfigFile', () => {
  it('creates missing directories 0700 and the file 0600, and reads back what it wrote', async () => {
    const filePath = path.join(directory, 'xdg', 'modelgate', 'config.json');

    await writeConfigFile(filePath, CREDENTIALS);

    expect(await modeOf(path.join(directory, 'xdg'))).toBe(0o700);
    expect(await modeOf(path.join(directory, 'xdg', 'modelgate'))).toBe(0o700);
    expect(await modeOf(filePath)).toBe(0o600);
    expect(await readConfigFile(filePath, () => undefined)).toEqual(CREDENTIALS);
  });

  it('makes the file 0600 even under a umask that would leave it open to everyone', async () => {
    const previous = process.umask(0o000);
    try {
      await writeConfigFile(path.join(directory, 'config.json'), CREDENTIALS);
    } finally {
      process.umask(previous);
    }
    expect(await modeOf(path.join(directory, 'config.json'))).toBe(0o600);
  });

  it('leaves an existing directory as it is: it may not be ours', async () => {
    await chmod(directory, 0o755);
    await writeConfigFile(path.join(directory, 'config.json'), CREDENTIALS);
    expect(await modeOf(directory)).toBe(0o755);
  });

  it('replaces the file by rename (a new inode, 0600 even over a 0644 file) and leaves no temporary file', async () => {
    const filePath = path.join(directory, 'config.json');
    await writeFile(filePath, '{"old": true}', { mode: 0o644 });
    const before = await stat(filePath);

    await writeConfigFile(filePath, CREDENTIALS);

    const after = await stat(filePath);
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o600);
    expect(await readdir(directory)).toEqual(['config.json']);
  });

  it('leaves one whole file when two logins write at once, never a mix', async () => {
    const filePath = path.join(directory, 'config.json');
    const writes = Array.from({ length: 20 }, (_, index) => writeConfigFile(filePath, { ...CREDENTIALS, email: `user${index}@example.com`, token: `${CREDENTIALS.token}${'x'.repeat(index * 500)}` }));
    await Promise.all(writes);

    const written = JSON.parse(await readFile(filePath, 'utf8')) as StoredCredentials;
    const index = Number(/^user(\d+)@/.exec(written.email ?? '')?.[1]);
    expect(written.token).toBe(`${CREDENTIALS.token}${'x'.repeat(index * 500)}`);
    expect(await readdir(directory)).toEqual(['config.json']);
  });

  it('keeps the old file and removes its temporary file when the rename fails', async () => {
    // A directory where the file should be: rename(2) refuses to replace it.
    const filePath = path.join(directory, 'config.json');
    await mkdir(filePath);

    const error = await writeConfigFile(filePath, CREDENTIALS).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toMatch(new RegExp(`^cannot write the Modelgate config file ${filePath}: `));
    expect(await readdir(directory)).toEqual(['config.json']);
    expect((await stat(filePath)).isDirectory()).toBe(true);
  });
});

describe('readConfigFile', () => {
  it('answers undefined when there is no file', async () => {
    expect(await readConfigFile(path.join(directory, 'nope', 'config.json'), () => undefined)).toBeUndefined();
  });

  it('tightens a file others can read to 0600, and warns that the token may have been read', async () => {
    const filePath = path.join(directory, 'config.json');
    await writeFile(filePath, JSON.stringify(CREDENTIALS), { mode: 0o644 });
    await chmod(filePath, 0o644);
    const warnings: string[] = [];

    expect(await readConfigFile(filePath, (message) => warnings.push(message))).toEqual(CREDENTIALS);

    expect(await modeOf(filePath)).toBe(0o600);
    expect(warnings).toEqual([
      `${filePath} could be read by other users (mode 0644); it is now 0600. If someone else may have read it, replace the token: \`modelgate logout && modelgate login\``,
    ]);
  });

  it('says nothing about a 0600 file', async () => {
    const filePath = path.join(directory, 'config.json');
    await writeConfigFile(filePath, CREDENTIALS);
    const warnings: string[] = [];
    await readConfigFile(filePath, (message) => warnings.push(message));
    expect(warnings).toEqual([]);
  });

  it('names the file and the way out when it is not JSON, or not what login writes', async () => {
    const filePath = path.join(directory, 'config.json');
    await writeFile(filePath, '{"apiUrl": ', { mode: 0o600 });
    await expect(readConfigFile(filePath, () => undefined)).rejects.toThrow(
      new RegExp(`^the Modelgate config file ${filePath} is not valid JSON \\(.+\\): delete it \\(or run \`modelgate logout\`\\) and run \`modelgate login\` again$`),
    );

    await writeFile(filePath, JSON.stringify({ ...CREDENTIALS, token: 42 }));
    await expect(readConfigFile(filePath, () => undefined)).rejects.toThrow('is not one `modelgate login` wrote (a field is missing or has the wrong type)');
  });
});

describe('removeConfigFile', () => {
  it('removes the file, and says whether there was one', async () => {
    const filePath = path.join(directory, 'config.json');
    await writeConfigFile(filePath, CREDENTIALS);
    expect(await removeConfigFile(filePath)).toBe(true);
    expect(await readdir(directory)).toEqual([]);
    expect(await removeConfigFile(filePath)).toBe(false);
  });
});
