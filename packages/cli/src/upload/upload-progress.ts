import cliProgress from 'cli-progress';
import { formatBytes, formatSpeed, percentOf } from '../format/quantities.js';

/**
 * How an upload shows its progress on stderr: a redrawing bar on a terminal, a few plain lines
 * when stderr is a pipe or a file (a CI log), nothing with --json or --quiet.
 */
export type ProgressMode = 'bar' | 'lines' | 'none';

export interface UploadProgress {
  /** The SDK's onProgress. After the last byte it says the API is validating the model. */
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

const VALIDATING = 'validating…';
/** Plain mode prints a line as each quarter is passed: enough to see it move, short in a log. */
const PLAIN_STEPS = [25, 50, 75, 100];

export function createUploadProgress(mode: ProgressMode, stderr: ProgressStream, fileName: string, now: () => number = Date.now): UploadProgress {
  if (mode === 'none') return { update() {}, finish() {} };
  return mode === 'bar' ? new BarProgress(stderr, fileName, now) : new PlainProgress(stderr, fileName, now);
}

/** `uploading model.onnx: 50 % (316 B of 632 B, 1.2 MiB/s)` */
export function plainProgressLine(fileName: string, sent: number, total: number, elapsedMs: number): string {
  return `uploading ${fileName}: ${percentOf(sent, total)} % (${formatBytes(sent)} of ${formatBytes(total)}, ${formatSpeed(sent, elapsedMs)})`;
}

class PlainProgress implements UploadProgress {
  private readonly startedAt: number;
  private nextStep = 0;
  private validating = false;

  constructor(
    private readonly stderr: ProgressStream,
    private readonly fileName: string,
    private readonly now: () => number,
  ) {
    this.startedAt = now();
  }

  update(sent: number, total: number): void {
    const percent = percentOf(sent, total);
    let passed = false;
    while (this.nextStep < PLAIN_STEPS.length && percent >= (PLAIN_STEPS[this.nextStep] ?? 0)) {
      this.nextStep += 1;
      passed = true;
    }
    if (passed) this.stderr.write(`${plainProgressLine(this.fileName, sent, total, this.now() - this.startedAt)}\n`);
    if (sent === total && !this.validating) {
      this.validating = true;
      this.stderr.write(`${VALIDATING}\n`);
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
    private readonly fileName: string,
    private readonly now: () => number,
  ) {
    this.startedAt = now();
    this.bar = new cliProgress.SingleBar(
      {
        stream: stderr as NodeJS.WritableStream,
        format: `uploading ${fileName} {bar} {percent} % | {sent} / {size} | {speed}`,
        barsize: 30,
        // A hidden cursor would stay hidden after Ctrl-C, and restoring it on SIGINT
        // (cli-progress's gracefulExit) would keep Ctrl-C from ending the upload.
        hideCursor: false,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  private payload(sent: number, total: number) {
    return { percent: percentOf(sent, total), sent: formatBytes(sent), size: formatBytes(total), speed: formatSpeed(sent, this.now() - this.startedAt) };
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
      this.stderr.write(VALIDATING);
    }
  }

  finish(): void {
    if (this.validating) this.stderr.write('\r\x1b[2K');
    else if (this.started) this.bar.stop();
  }
}
