import { describe, expect, it } from 'vitest';
import { createUploadProgress, plainProgressLine, progressModeFor, type ProgressStream } from './upload-progress.js';

function recordingStream(isTTY: boolean): ProgressStream & { text: string } {
  const stream = {
    text: '',
    isTTY,
    columns: 120,
    write(chunk: string) {
      stream.text += chunk;
      return true;
    },
  };
  return stream;
}

/** A clock that advances one second per reading. */
function steppingClock() {
  let now = 0;
  return () => (now += 1000);
}

describe('progressModeFor', () => {
  it('draws a bar on a terminal, lines elsewhere, nothing with --json or --quiet', () => {
    expect(progressModeFor({ write: () => true, isTTY: true }, {})).toBe('bar');
    expect(progressModeFor({ write: () => true }, {})).toBe('lines');
    expect(progressModeFor({ write: () => true, isTTY: true }, { json: true })).toBe('none');
    expect(progressModeFor({ write: () => true }, { quiet: true })).toBe('none');
  });
});

describe('plain progress lines', () => {
  it('prints one line per quarter passed, then that the API is validating', () => {
    const stream = recordingStream(false);
    const progress = createUploadProgress('lines', stream, 'model.onnx', { now: steppingClock() });
    const total = 4 * 1024 * 1024;
    for (let sent = 0; sent <= total; sent += 64 * 1024) progress.update(sent, total);
    progress.finish();

    const lines = stream.text.trimEnd().split('\n');
    expect(lines.map((line) => line.replace(/, [\d.]+ \w+\/s\)$/, ')'))).toEqual([
      'uploading model.onnx: 25 % (1.0 MiB of 4.0 MiB)',
      'uploading model.onnx: 50 % (2.0 MiB of 4.0 MiB)',
      'uploading model.onnx: 75 % (3.0 MiB of 4.0 MiB)',
      'uploading model.onnx: 100 % (4.0 MiB of 4.0 MiB)',
      'validating…',
    ]);
  });

  it('prints the final line once when everything arrives in one chunk', () => {
    const stream = recordingStream(false);
    const progress = createUploadProgress('lines', stream, 'model.onnx', { now: steppingClock() });
    progress.update(0, 632);
    progress.update(632, 632);
    expect(stream.text).toBe('uploading model.onnx: 100 % (632 B of 632 B, 632 B/s)\nvalidating…\n');
  });

  it('formats a line with percent, bytes and speed', () => {
    expect(plainProgressLine('m.onnx', 512 * 1024, 1024 * 1024, 2000)).toBe('uploading m.onnx: 50 % (512.0 KiB of 1.0 MiB, 256.0 KiB/s)');
  });
});

describe('other transfers', () => {
  it('say what they wait for after the last byte (a batch file), or nothing (a download)', () => {
    const upload = recordingStream(false);
    const batch = createUploadProgress('lines', upload, 'rows.csv', { now: steppingClock(), waiting: 'checking the file and counting its rows…' });
    batch.update(0, 100);
    batch.update(100, 100);
    expect(upload.text).toBe('uploading rows.csv: 100 % (100 B of 100 B, 100 B/s)\nchecking the file and counting its rows…\n');

    const download = recordingStream(false);
    const results = createUploadProgress('lines', download, 'rows.results.csv', { now: steppingClock(), verb: 'downloading', waiting: null });
    results.update(0, 2048);
    results.update(2048, 2048);
    results.finish();
    expect(download.text).toBe('downloading rows.results.csv: 100 % (2.0 KiB of 2.0 KiB, 2.0 KiB/s)\n');
  });
});

describe('terminal bar', () => {
  it('redraws one line, then shows "validating…" until the answer and wipes it', () => {
    const stream = recordingStream(true);
    const progress = createUploadProgress('bar', stream, 'model.onnx', { now: steppingClock() });
    progress.update(0, 1000);
    progress.update(500, 1000);
    progress.update(1000, 1000);
    expect(stream.text).toContain('uploading model.onnx');
    expect(stream.text).toContain('100 % | 1000 B / 1000 B');
    expect(stream.text.endsWith('validating…')).toBe(true);
    progress.finish();
    expect(stream.text.endsWith('validating…\r\x1b[2K')).toBe(true);
  });
});

describe('no progress', () => {
  it('writes nothing', () => {
    const stream = recordingStream(true);
    const progress = createUploadProgress('none', stream, 'model.onnx');
    progress.update(0, 10);
    progress.update(10, 10);
    progress.finish();
    expect(stream.text).toBe('');
  });
});
