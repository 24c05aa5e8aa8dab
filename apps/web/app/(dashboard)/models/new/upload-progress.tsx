import { UploadProgress as FileUploadProgress } from '@/components/upload-progress';

export type ProgressStage = 'sending' | 'validating' | 'done';

interface UploadProgressProps {
  stage: ProgressStage;
  loaded: number;
  total: number;
  fileName: string;
}

/** The model's bytes on the wire, then the wait while the API validates them. */
export function UploadProgress({ stage, ...rest }: UploadProgressProps) {
  return (
    <FileUploadProgress
      stage={stage === 'validating' ? 'processing' : stage}
      processingLabel="Validating in an isolated process…"
      processingNote="Every byte has arrived. The API loads the model in a separate process with a time limit, so a broken or hostile file cannot harm it, and reads its signature."
      {...rest}
    />
  );
}
