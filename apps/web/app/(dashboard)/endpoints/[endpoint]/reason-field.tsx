import { Field, fieldAria, inputClasses } from '@/components/form-field';

interface ReasonFieldProps {
  id: string;
  value: string;
  onChange: (reason: string) => void;
  /** An example of a good reason for this change. */
  placeholder: string;
  /** Where the reason shows up, when the form says so. */
  hint?: string;
}

/** The optional reason a routing change carries into its revision and the audit log. */
export function ReasonField({ id, value, onChange, placeholder, hint }: ReasonFieldProps) {
  return (
    <Field id={id} label="Reason" optional hint={hint}>
      <input
        id={id}
        type="text"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        placeholder={placeholder}
        className={inputClasses(false)}
        {...fieldAria(id, hint, undefined)}
      />
    </Field>
  );
}
