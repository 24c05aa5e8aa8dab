export function WarningsPanel({ warnings }: { warnings: string[] }) {
  return (
    <section aria-labelledby="warnings-heading" className="mb-8 rounded-xl border border-amber-300 bg-amber-50 p-5 text-amber-900">
      <h2 id="warnings-heading" className="flex items-center gap-2 font-semibold">
        <svg aria-hidden="true" viewBox="0 0 20 20" className="size-5 text-amber-600" fill="currentColor">
          <path d="M8.5 3.2a1.7 1.7 0 0 1 3 0l6 10.6A1.7 1.7 0 0 1 16 16.3H4a1.7 1.7 0 0 1-1.5-2.5zM10 7a.9.9 0 0 0-.9.9v3.4a.9.9 0 0 0 1.8 0V7.9A.9.9 0 0 0 10 7m0 7.6a1 1 0 1 0 0-2 1 1 0 0 0 0 2" />
        </svg>
        {warnings.length === 1 ? 'Warning' : `${warnings.length} warnings`}
      </h2>
      <ul className="mt-2 list-disc space-y-1 pl-6 text-sm">
        {warnings.map((warning) => (
          <li key={warning}>{warning}</li>
        ))}
      </ul>
    </section>
  );
}
