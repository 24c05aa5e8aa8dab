'use client';

import { useId } from 'react';
import { type ButtonVariant, buttonClasses } from './button';

interface NotAllowedButtonProps {
  /** The action's usual label, so it reads the same as for someone allowed to take it. */
  label: string;
  /** contracts' `decide` reason: why this role cannot, and whom to ask. */
  reason: string;
  variant?: ButtonVariant;
  /** Which side the reason lines up with: `end` under buttons at the right of a header. */
  align?: 'start' | 'end';
}

/**
 * An action the signed-in person may not take: the control stays where it always is, disabled,
 * with the reason written under it (a tooltip alone is missed, and not announced to everyone).
 */
export function NotAllowedButton({ label, reason, variant = 'secondary', align = 'start' }: NotAllowedButtonProps) {
  const id = useId();
  return (
    <span className={`inline-flex max-w-xs flex-col gap-1 ${align === 'end' ? 'items-end text-right' : 'items-start'}`}>
      <button type="button" disabled aria-describedby={id} className={buttonClasses(variant)}>
        {label}
      </button>
      <NotAllowedReason id={id} reason={reason} />
    </span>
  );
}

export function NotAllowedReason({ id, reason, className = '' }: { id?: string; reason: string; className?: string }) {
  return (
    <p id={id} className={`text-xs text-zinc-600 first-letter:uppercase ${className}`}>
      {reason}
    </p>
  );
}

/** A whole page the signed-in person may not use (reached by its address): what it is and why not. */
export function NotAllowedPanel({ what, reason }: { what: string; reason: string }) {
  return (
    <div role="note" className="rounded-xl border border-zinc-200 bg-white p-5 text-sm text-zinc-700 shadow-xs">
      <p className="font-medium text-zinc-900">{what}</p>
      <NotAllowedReason reason={reason} className="mt-1 text-sm" />
    </div>
  );
}
