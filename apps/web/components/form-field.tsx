import type { ReactNode } from 'react';

/**
 * A labelled form control with its hint and its error. The control itself is the caller's
 * (input, textarea…); it gets `id={id}` and `{...fieldAria(id, hint, error)}` so the hint and the
 * error are announced with it.
 */
interface FieldProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  optional?: boolean;
  children: ReactNode;
}

export function Field({ id, label, hint, error, optional = false, children }: FieldProps) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
        {label}
        {optional ? <span className="font-normal text-zinc-500"> (optional)</span> : null}
      </label>
      <div className="mt-1.5">{children}</div>
      {hint ? (
        <p id={`${id}-hint`} className="mt-1.5 text-xs text-zinc-500">
          {hint}
        </p>
      ) : null}
      <FieldError id={id} error={error} />
    </div>
  );
}

/** A control's error, `<id>-error` for its aria-describedby; always in the page, so an error that appears while typing is announced. */
export function FieldError({ id, error }: { id: string; error?: string }) {
  return (
    <div aria-live="polite">
      {error ? (
        <p id={`${id}-error`} className="mt-1.5 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function fieldAria(id: string, hint: unknown, error: string | undefined) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return { 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy || undefined };
}

export function inputClasses(invalid: boolean, extra = ''): string {
  return `block w-full rounded-lg border bg-white px-3 py-2 text-sm shadow-xs placeholder:text-zinc-400 focus:outline-none focus:ring-2 disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-zinc-600 ${
    invalid ? 'border-red-400 focus:border-red-500 focus:ring-red-500/20' : 'border-zinc-300 focus:border-indigo-500 focus:ring-indigo-500/20'
  } ${extra}`.trim();
}
