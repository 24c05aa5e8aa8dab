'use client';

import { type ReactNode, type RefObject, useId } from 'react';

interface ModalDialogProps {
  /** Opened with `dialog.current.showModal()`: the browser keeps focus inside and Escape closes it. */
  dialog: RefObject<HTMLDialogElement | null>;
  title: ReactNode;
  /** Escape, Cancel or a finished action: reset whatever the dialog was showing. */
  onClose?: () => void;
  children: ReactNode;
}

/** A confirmation or a small form over the page, styled like the archive dialog. */
export function ModalDialog({ dialog, title, onClose, children }: ModalDialogProps) {
  const titleId = useId();
  return (
    <dialog
      ref={dialog}
      aria-labelledby={titleId}
      onClose={onClose}
      className="m-auto w-[min(36rem,calc(100vw-2rem))] rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/40"
    >
      <div className="grid gap-4 p-6">
        <h2 id={titleId} className="text-lg font-semibold tracking-tight text-zinc-950">
          {title}
        </h2>
        {children}
      </div>
    </dialog>
  );
}
