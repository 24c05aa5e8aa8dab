import cliProgress from 'cli-progress';
import { formatBytes, formatSpeed, percentOf } from '../format/quantities.js';

/**
 * How an upload shows its progress on stderr: a redrawing bar on a terminal, a few plain lines
 * when stderr is a pipe or a file (a CI log), nothing with --json or --quiet.
 */
export type ProgressMode = 'bar' | 'lines' | 'none';

export interface UploadProgress {
  /** The SDK's onProgress. After the last byte it says what the API is doing meanwhile (validating the model). */
  update(sentBytes: number, totalBytes: number): void;
  /** The answer is in (or the upload failed): stop drawing and leave the terminal tidy. */
  finish(): void;
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export function progressModeFor(stderr: ProgressStream, options: { json?: boolean; quiet?: boolean }): ProgressMode {
  if (options.json || options.quiet) return 'none';
  return stderr.isTTY ? 'bar' : 'lines';
}

/** What a model upload waits for once every byte is sent. */
export const VALIDATING = 'validating…';
/** Plain mode prints a line as each quarter is passed: enough to see it move, short in a log. */
const PLAIN_STEPS = [25, 50, 75, 100];

export interface TransferProgressOptions {
  /** `uploading` (default) or `downloading`: the first word of every line. */
  verb?: string;
  /** Shown once every byte is through, until the API answers (default `validating…`, a model's); null for nothing. */
  waiting?: string | null;
  now?: () => number;
}

export function createUploadProgress(mode: ProgressMode, stderr: ProgressStream, fileName: string, options: TransferProgressOptions = {}): UploadProgress {
  if (mode === 'none') return { update() {}, finish() {} };
  const settings: TransferSettings = { verb: options.verb ?? 'uploading', waiting: options.waiting === undefined ? VALIDATING : options.waiting, now: options.now ?? Date.now };
  return mode === 'bar' ? new BarProgress(stderr, fileName, settings) : new PlainProgress(stderr, fileName, settings);
}

interface TransferSettings {
  verb: string;
  waiting: string | null;
  now: () => number;
}

/** `uploading model.onnx: 50 % (316 B of 632 B, 1.2 MiB/s)` */
export function plainProgressLine(fileName: string, sent: number, total: number, elapsedMs: number, verb = 'uploading'): string {
  return `${verb} ${fileName}: ${percentOf(sent, total)} % (${formatBytes(sent)} of ${formatBytes(total)}, ${formatSpeed(sent, elapsedMs)})`;
}

class PlainProgress implements UploadProgress {
  private readonly startedAt: number;
  private nextStep = 0;
  private validating = false;

  constructor(
    private readonly stderr: ProgressStream,
    private readonly fileName: string,
    private readonly settings: TransferSettings,
  ) {
    this.startedAt = settings.now();
  }

  update(sent: number, total: number): void {
    const percent = percentOf(sent, total);
    let passed = false;
    while (this.nextStep < PLAIN_STEPS.length && percent >= (PLAIN_STEPS[this.nextStep] ?? 0)) {
      this.nextStep += 1;
      passed = true;
    }
    if (passed) this.stderr.write(`${plainProgressLine(this.fileName, sent, total, this.settings.now() - this.startedAt, this.settings.verb)}\n`);
    if (sent === total && !this.validating) {
      this.validating = true;
      if (this.settings.waiting !== null) this.stderr.write(`${this.settings.waiting}\n`);
    }
  }

  finish(): void {}
}

class BarProgress implements UploadProgress {
  private readonly startedAt: number;
  private readonly bar: cliProgress.SingleBar;
  private started = false;
  private validating = false;

  constructor(
    private readonly stderr: ProgressStream,
    fileName: string,
    private readonly settings: TransferSettings,
  ) {
    this.startedAt = settings.now();
    this.bar = new cliProgress.SingleBar(
      {
        stream: stderr as NodeJS.WritableStream,
        format: `${settings.verb} ${fileName} {bar} {percent} % | {sent} / {size} | {speed}`,
        barsize: 30,
        // A hidden cursor would stay hidden after Ctrl-C, and restoring it on SIGINT
        // (cli-progress's gracefulExit) would keep Ctrl-C from ending the upload.
        hideCursor: false,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  private payload(sent: number, total: number) {
    return { percent: percentOf(sent, total), sent: formatBytes(sent), size: formatBytes(total), speed: formatSpeed(sent, this.settings.now() - this.startedAt) };
  }

  update(sent: number, total: number): void {
    if (!this.started) {
      this.started = true;
      this.bar.start(Math.max(total, 1), sent, this.payload(sent, total));
    } else {
      this.bar.update(sent, this.payload(sent, total));
    }
    if (sent === total && !this.validating) {
      this.validating = true;
      this.bar.update(Math.max(total, 1), this.payload(sent, total));
      this.bar.stop();
      // Stays on screen until the answer arrives, then finish() wipes it.
      if (this.settings.waiting !== null) this.stderr.write(this.settings.waiting);
    }
  }

  finish(): void {
    if (this.validating) this.stderr.write('\r\x1b[2K');
    else if (this.started) this.bar.stop();
  }
}
