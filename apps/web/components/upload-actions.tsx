import { buttonClasses } from '@/components/button';

interface UploadActionsProps {
  /** The upload's phase (from useMultipartUpload or a form's own names for it). */
  phase: string;
  busy: boolean;
  submitLabel: string;
  /** What a cancelled upload left behind, said under the buttons ("Nothing was stored."). */
  cancelledNote: string;
  onCancel: () => void;
}

/** A file upload form's buttons: submit (or try again), cancel while the bytes are on the wire, and what a cancel left. */
export function UploadActions({ phase, busy, submitLabel, cancelledNote, onCancel }: UploadActionsProps) {
  return (
    <div className="flex flex-wrap items-center gap-2">
      <button type="submit" disabled={busy} className={buttonClasses('primary')}>
        {phase === 'failed' || phase === 'cancelled' ? 'Try again' : submitLabel}
      </button>
      {phase === 'uploading' ? (
        <button type="button" onClick={onCancel} className={buttonClasses('secondary')}>
          Cancel upload
        </button>
      ) : null}
      {phase === 'cancelled' ? (
        <p role="status" className="text-sm text-zinc-600">
          Upload cancelled. {cancelledNote}
        </p>
      ) : null}
    </div>
  );
}
