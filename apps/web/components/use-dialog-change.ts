'use client';

import type { Problem } from '@modelgate/contracts';
import { useRouter } from 'next/navigation';
import { useRef, useState, useTransition } from 'react';
import type { ApiResult } from '@/lib/browser-api';

/**
 * A change confirmed in a modal <dialog> (archive, revoke, roll back): open it with no stale
 * error, send the change, show the API's refusal in place, and on success close the dialog in the
 * same transition as the page refresh, so the new state and the closing dialog appear together.
 */
export function useDialogChange() {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const [problem, setProblem] = useState<Problem>();
  const [pending, setPending] = useState(false);
  const [, startTransition] = useTransition();

  function open() {
    setProblem(undefined);
    dialog.current?.showModal();
  }

  async function submit(send: () => Promise<ApiResult<unknown>>) {
    setPending(true);
    setProblem(undefined);
    const result = await send();
    if (!result.ok) {
      setPending(false);
      setProblem(result.problem);
      return;
    }
    startTransition(() => {
      router.refresh();
      setPending(false);
      dialog.current?.close();
    });
  }

  return { dialog, problem, pending, open, submit, clearProblem: () => setProblem(undefined) };
}
