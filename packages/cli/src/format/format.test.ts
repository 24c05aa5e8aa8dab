import type { Signature } from '@modelgate/contracts';
import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDuration, formatMilliseconds, formatRate, formatSpeed, percentOf, shortSha256 } from './quantities.js';
import { formatShape, formatSignatureTable } from './signature.js';
import { colourWanted, createStyle } from './style.js';
import { formatFields, formatTable } from './table.js';

describe('formatTable', () => {
  it('aligns columns two spaces apart, capitalises the header and leaves no trailing spaces', () => {
    const table = formatTable(
      ['name', 'versions', 'latest'],
      [
        ['iris-classifier', '3', 'v3'],
        ['mnist', '12', ''],
      ],
    );
    expect(table.split('\n')).toEqual(['NAME             VERSIONS  LATEST', 'iris-classifier  3         v3', 'mnist            12']);
  });

  it('keeps alignment when the header is styled', () => {
    const table = formatTable(['a', 'b'], [['long value', 'x']], createStyle(true));
    expect(table.split('\n')).toEqual(['\x1b[1mA           B\x1b[22m', 'long value  x']);
  });
});

describe('formatFields', () => {
  it('aligns labels', () => {
    expect(formatFields([['size', '632 B'], ['sha256', 'abc']])).toBe('size    632 B\nsha256  abc');
  });
});

describe('formatShape', () => {
  it('shows fixed sizes as numbers and symbolic dimensions by name', () => {
    expect(formatShape(['N', 3])).toBe('[N, 3]');
    expect(formatShape(['batch', 'seq', 768])).toBe('[batch, seq, 768]');
    expect(formatShape(['?', 4])).toBe('[?, 4]');
    expect(formatShape([])).toBe('[]');
  });
});

describe('formatSignatureTable', () => {
  it('lists inputs then outputs, marking non-tensor outputs', () => {
    const signature: Signature = {
      inputs: [{ name: 'input', dtype: 'float32', shape: ['N', 3] }],
      outputs: [
        { name: 'label', isTensor: true, dtype: 'int64', shape: ['N'] },
        { name: 'probabilities', isTensor: false, type: 'seq(map(int64,tensor(float)))' },
      ],
      batchable: true,
    };
    expect(formatSignatureTable(signature).split('\n')).toEqual([
      '        NAME           DTYPE                          SHAPE',
      'input   input          float32                        [N, 3]',
      'output  label          int64                          [N]',
      'output  probabilities  seq(map(int64,tensor(float)))  not a tensor: never returned by predict',
    ]);
  });
});

describe('quantities', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(632)).toBe('632 B');
    expect(formatBytes(26_454)).toBe('25.8 KiB');
    expect(formatBytes(16_785_569)).toBe('16.0 MiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
  });

  it('formats a speed even for an instant upload', () => {
    expect(formatSpeed(2 * 1024 * 1024, 1000)).toBe('2.0 MiB/s');
    expect(formatSpeed(632, 0)).toBe('617.2 KiB/s');
  });

  it('never says 100 % before the last byte', () => {
    expect(percentOf(0, 632)).toBe(0);
    expect(percentOf(999_999, 1_000_000)).toBe(99);
    expect(percentOf(632, 632)).toBe(100);
    expect(percentOf(0, 0)).toBe(100);
  });

  it('formats durations with their two largest units', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(300)).toBe('5m');
    expect(formatDuration(72.4)).toBe('1m 12s');
    expect(formatDuration(7_500)).toBe('2h 5m');
    expect(formatDuration(3_600 + 59)).toBe('1h');
    expect(formatDuration(3 * 86_400 + 4 * 3_600 + 60)).toBe('3d 4h');
    expect(formatDuration(-3)).toBe('0s');
  });

  it('formats rates, latencies and counts as the API words them', () => {
    expect(formatRate(0.01)).toBe('1 %');
    expect(formatRate(0.005)).toBe('0.5 %');
    expect(formatRate(3 / 1204)).toBe('0.25 %');
    expect(formatMilliseconds(2.44)).toBe('2.4 ms');
    expect(formatMilliseconds(48.4)).toBe('48 ms');
    expect(formatCount(1204)).toBe('1,204');
  });

  it('shortens a sha256', () => {
    expect(shortSha256('d466e94371e3556c2407c621aba61806ef4b60cd68a69ae1208a3a3c7e0044bb')).toBe('d466e943…');
  });
});

describe('colour', () => {
  it('is used only on a terminal without NO_COLOR', () => {
    expect(colourWanted({ isTTY: true }, {})).toBe(true);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colourWanted({ isTTY: false }, {})).toBe(false);
    expect(colourWanted({}, {})).toBe(false);
    expect(createStyle(false).red('x')).toBe('x');
  });
});
