import { useId } from 'react';
import { formatBytes } from '@/lib/format';

export type UploadStage = 'sending' | 'processing' | 'done';

interface UploadProgressProps {
  stage: UploadStage;
  loaded: number;
  total: number;
  fileName: string;
  /** What the API does once every byte has arrived, until it answers ("Validating in an isolated process…"). */
  processingLabel: string;
  /** Why that takes a moment, under the bar. */
  processingNote?: string;
}

/** The real progress of the bytes on the wire, then the wait while the API works on them. */
export function UploadProgress({ stage, loaded, total, fileName, processingLabel, processingNote }: UploadProgressProps) {
  const labelId = useId();
  const percent = stage === 'sending' ? (total > 0 ? Math.floor((loaded / total) * 100) : 0) : 100;
  const sent = stage === 'sending' ? loaded : total;
  const amounts = `${formatBytes(sent)} of ${formatBytes(total)}`;
  const label = stage === 'sending' ? `Uploading ${fileName}` : stage === 'processing' ? processingLabel : 'Upload complete';
  return (
    <div className="grid gap-2">
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 text-sm">
        <span id={labelId} className="flex items-center gap-2 font-medium text-zinc-800">
          {stage === 'processing' ? <Spinner /> : null}
          {label}
        </span>
        <span className="text-zinc-600 tabular-nums">
          {percent} % · {amounts}
        </span>
      </div>
      <div
        role="progressbar"
        aria-labelledby={labelId}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent} %, ${amounts} sent`}
        className="h-2 overflow-hidden rounded-full bg-zinc-200"
      >
        <div
          className={`h-full rounded-full transition-[width] duration-200 ${stage === 'done' ? 'bg-emerald-500' : 'bg-indigo-600'} ${
            stage === 'processing' ? 'animate-pulse' : ''
          }`}
          style={{ width: `${percent}%` }}
        />
      </div>
      {stage === 'processing' && processingNote ? <p className="text-xs text-zinc-500">{processingNote}</p> : null}
    </div>
  );
}

export function Spinner() {
  return (
    <svg aria-hidden="true" viewBox="0 0 16 16" className="size-4 animate-spin text-indigo-600" fill="none">
      <circle cx="8" cy="8" r="6" stroke="currentColor" strokeOpacity="0.25" strokeWidth="2" />
      <path d="M14 8a6 6 0 0 0-6-6" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}
