import Link from 'next/link';
import { API_KEY_VARIABLE } from '@/lib/predict-example';
import { CodeTabs } from './code-tabs';

interface PredictRequestProps {
  title: string;
  curl: string;
  typescript: string;
  /** What the reader must change before the request runs (e.g. an input too large to spell out). */
  notes: string[];
}

/** A ready-to-copy predict request, as curl and as TypeScript. */
export function PredictRequest({ title, curl, typescript, notes }: PredictRequestProps) {
  return (
    <>
      <CodeTabs
        label="Request language"
        tabs={[
          { label: 'curl', title, code: curl, copyLabel: 'Copy curl command' },
          { label: 'TypeScript', title, code: typescript, copyLabel: 'Copy TypeScript snippet' },
        ]}
      />
      <p className="mt-3 text-sm text-zinc-600">
        Both read the key from <code className="font-mono">{API_KEY_VARIABLE}</code>: an API key allowed to predict on the
        endpoint, or one of{' '}
        <Link href="/tokens" className="font-medium text-indigo-700 hover:underline">
          your tokens
        </Link>
        .
      </p>
      {notes.length > 0 ? (
        <ul className="mt-3 list-disc pl-5 text-sm text-zinc-600">
          {notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
