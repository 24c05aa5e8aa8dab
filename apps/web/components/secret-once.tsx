'use client';

import { useEffect, useRef } from 'react';
import { buttonClasses } from './button';
import { CopyButton } from './copy-button';

interface SecretOnceProps {
  /** "API key ingest-service created". */
  heading: string;
  secret: string;
  onDone: () => void;
}

/**
 * A new key's secret, the one time anyone sees it: Modelgate keeps only a hash, so a secret lost
 * here means revoking the key and creating another. Takes the focus so the warning is read first.
 */
export function SecretOnce({ heading, secret, onDone }: SecretOnceProps) {
  const panel = useRef<HTMLElement>(null);
  useEffect(() => panel.current?.focus(), []);

  return (
    <section
      ref={panel}
      tabIndex={-1}
      aria-labelledby="secret-once-heading"
      className="grid gap-3 rounded-xl border border-emerald-300 bg-emerald-50 p-5 text-emerald-950 shadow-xs focus:outline-none"
    >
      <h3 id="secret-once-heading" className="font-semibold">
        {heading}
      </h3>
      <p role="note" className="text-sm font-medium text-amber-900">
        Copy the secret now: it will not be shown again. Modelgate stores only a hash of it.
      </p>
      <div className="flex items-start justify-between gap-3 rounded-lg border border-emerald-200 bg-white px-3 py-2">
        <code aria-label="Secret" className="font-mono text-[13px] break-all text-zinc-900">
          {secret}
        </code>
        <CopyButton text={secret} label="Copy secret" />
      </div>
      <p className="text-sm text-emerald-900">
        Send it with every API request as <code className="font-mono">Authorization: Bearer &lt;secret&gt;</code>.
      </p>
      <div>
        <button type="button" onClick={onDone} className={buttonClasses('secondary')}>
          I have copied it
        </button>
      </div>
    </section>
  );
}
