'use client';

import { FileDropZone } from '@/components/file-drop-zone';

interface DropZoneProps {
  file: File | null;
  onFile: (file: File) => void;
  disabled: boolean;
  error?: string;
}

/** The model file: any file is accepted; the server decides what is a usable model and says why not. */
export function DropZone(props: DropZoneProps) {
  return (
    <FileDropZone
      label="Model file"
      emptyTitle="Drop a model file here"
      emptyHint="An .onnx file, as exported by skl2onnx, torch.onnx.export or tf2onnx"
      warningFor={(file) =>
        file.name.toLowerCase().endsWith('.onnx') ? undefined : 'This file does not end in .onnx. It can still be sent: the server checks what it really is.'
      }
      {...props}
    />
  );
}
