'use client';

import { type DragEvent, useEffect, useId, useRef, useState } from 'react';
import { FieldError } from '@/components/form-field';
import { formatBytes } from '@/lib/format';

export interface FileDropZoneProps {
  /** Names the zone and the file input: "Model file", "Batch file". */
  label: string;
  /** What the empty zone says, and the line under it (which files, from where). */
  emptyTitle: string;
  emptyHint: string;
  /** A caution about the chosen file that does not stop it being sent (its name's extension, say). */
  warningFor?: (file: File) => string | undefined;
  file: File | null;
  onFile: (file: File) => void;
  disabled: boolean;
  error?: string;
}

/**
 * Where a file to upload comes from: dropped on the zone, or chosen with the button (keyboard and
 * screen readers) or a click anywhere in the zone. Any file is accepted; the server decides what it
 * can use and says why not.
 */
export function FileDropZone({ label, emptyTitle, emptyHint, warningFor, file, onFile, disabled, error }: FileDropZoneProps) {
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [note, setNote] = useState<string>();
  // dragenter/dragleave also fire for every child crossed; only the outermost pair counts.
  const depth = useRef(0);
  const id = useId();

  // A file dropped beside the zone would make the browser open it and leave the page.
  useEffect(() => {
    const keepPage = (event: globalThis.DragEvent) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    };
    window.addEventListener('dragover', keepPage);
    window.addEventListener('drop', keepPage);
    return () => {
      window.removeEventListener('dragover', keepPage);
      window.removeEventListener('drop', keepPage);
    };
  }, []);

  function take(files: FileList | null | undefined) {
    const first = files?.[0];
    if (!first) return;
    setNote(files.length > 1 ? `One file per upload: using ${first.name}.` : undefined);
    onFile(first);
  }

  function onDragEnter(event: DragEvent) {
    event.preventDefault();
    if (disabled) return;
    depth.current += 1;
    setDragging(true);
  }

  function onDragOver(event: DragEvent) {
    event.preventDefault();
    event.dataTransfer.dropEffect = disabled ? 'none' : 'copy';
  }

  function onDragLeave() {
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setDragging(false);
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    depth.current = 0;
    setDragging(false);
    if (!disabled) take(event.dataTransfer.files);
  }

  const warning = file && warningFor ? warningFor(file) : undefined;
  return (
    <div>
      <span id={`${id}-label`} className="block text-sm font-medium text-zinc-800">
        {label}
      </span>
      <div
        role="group"
        aria-labelledby={`${id}-label`}
        aria-describedby={`${id}-status${error ? ` ${id}-error` : ''}`}
        onDragEnter={onDragEnter}
        onDragOver={onDragOver}
        onDragLeave={onDragLeave}
        onDrop={onDrop}
        onClick={(event) => {
          // The button opens the picker itself; a click elsewhere in the zone does the same.
          if (!disabled && event.target === event.currentTarget) input.current?.click();
        }}
        className={`mt-1.5 flex flex-col items-center justify-center gap-3 rounded-xl border-2 border-dashed px-6 py-10 text-center transition-colors ${
          disabled
            ? 'cursor-not-allowed border-zinc-200 bg-zinc-50'
            : dragging
              ? 'cursor-copy border-indigo-500 bg-indigo-50'
              : error
                ? 'cursor-pointer border-red-300 bg-white hover:border-red-400'
                : 'cursor-pointer border-zinc-300 bg-white hover:border-indigo-400 hover:bg-zinc-50'
        }`}
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" className={`pointer-events-none size-8 ${dragging ? 'text-indigo-600' : 'text-zinc-400'}`} fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round">
          <path d="M12 15V4m0 0-4 4m4-4 4 4M5 14v4a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-4" />
        </svg>
        <div id={`${id}-status`} className="pointer-events-none text-sm" aria-live="polite">
          {file ? (
            <>
              <p className="font-mono font-medium break-all text-zinc-900">{file.name}</p>
              <p className="mt-0.5 text-zinc-500">{formatBytes(file.size)}</p>
            </>
          ) : dragging ? (
            <p className="font-medium text-indigo-700">Drop the file to use it</p>
          ) : (
            <>
              <p className="font-medium text-zinc-900">{emptyTitle}</p>
              <p className="mt-0.5 text-zinc-500">{emptyHint}</p>
            </>
          )}
        </div>
        <button
          type="button"
          disabled={disabled}
          onClick={() => input.current?.click()}
          className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium text-zinc-800 shadow-xs hover:bg-zinc-50 disabled:cursor-not-allowed disabled:opacity-60"
        >
          {file ? 'Choose another file' : 'Choose a file'}
        </button>
        <input
          ref={input}
          type="file"
          hidden
          tabIndex={-1}
          aria-label={label}
          onChange={(event) => {
            take(event.target.files);
            // The same file chosen again must still fire change.
            event.target.value = '';
          }}
        />
      </div>
      {note ? <p className="mt-1.5 text-xs text-zinc-500">{note}</p> : null}
      {warning && !error ? <p className="mt-1.5 text-xs text-amber-700">{warning}</p> : null}
      <FieldError id={id} error={error} />
    </div>
  );
}
