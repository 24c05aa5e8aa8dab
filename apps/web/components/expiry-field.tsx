'use client';

import { todayUtc } from '@/lib/expiry-date';
import { Field, fieldAria, inputClasses } from './form-field';

interface ExpiryFieldProps {
  id: string;
  value: string;
  onChange: (day: string) => void;
  error?: string;
}

/** The optional last day a key or token works. */
export function ExpiryField({ id, value, onChange, error }: ExpiryFieldProps) {
  return (
    <Field id={id} label="Expires" optional hint="It stops working at the end of that day (UTC). Leave empty for no expiry." error={error}>
      <input
        id={id}
        type="date"
        value={value}
        min={todayUtc()}
        onChange={(event) => onChange(event.target.value)}
        className={inputClasses(Boolean(error), 'sm:w-56')}
        {...fieldAria(id, true, error)}
      />
    </Field>
  );
}
