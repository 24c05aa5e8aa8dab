import type { Problem } from '@modelgate/contracts';

/** The per-field errors of an API refusal (`errors[]`: which input, what is wrong with it). */
export function ProblemFieldErrors({ errors, className = '' }: { errors: Problem['errors']; className?: string }) {
  if (!errors?.length) return null;
  return (
    <ul className={`list-disc pl-5 text-red-800 ${className}`}>
      {errors.map((error) => (
        <li key={`${error.path}:${error.message}`}>
          <code className="font-mono">{error.path}</code>: {error.message}
        </li>
      ))}
    </ul>
  );
}
