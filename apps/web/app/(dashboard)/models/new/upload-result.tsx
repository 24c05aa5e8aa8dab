import type { ModelVersion } from '@modelgate/contracts';
import Link from 'next/link';
import { buttonClasses } from '@/components/button';
import { SignatureTables } from '@/components/signature-tables';
import { formatBytes, shortSha } from '@/lib/format';

interface UploadResultProps {
  version: ModelVersion;
  /** false: the API answered 200, these exact bytes already were this version. */
  created: boolean;
  onUploadAnother: () => void;
}

/** What the upload produced, shown in place: the version, its signature and where to go next. */
export function UploadResult({ version, created, onUploadAnother }: UploadResultProps) {
  const versionHref = `/models/${version.model}/versions/${version.version}`;
  return (
    <section aria-labelledby="upload-result-heading" className="grid gap-5 rounded-xl border border-emerald-200 bg-white p-5 shadow-xs">
      <div>
        <h2 id="upload-result-heading" className="flex items-center gap-2 text-lg font-semibold tracking-tight text-zinc-950">
          <svg aria-hidden="true" viewBox="0 0 20 20" className="size-5 text-emerald-600" fill="currentColor">
            <path d="M10 18a8 8 0 1 0 0-16 8 8 0 0 0 0 16m3.7-9.8-4.2 4.3a.8.8 0 0 1-1.1 0l-2.1-2.1a.8.8 0 1 1 1.1-1.1l1.5 1.5 3.7-3.7a.8.8 0 0 1 1.1 1.1" />
          </svg>
          {created ? `Created ${version.model} v${version.version}` : `Already uploaded: ${version.model} v${version.version}`}
        </h2>
        <p className="mt-1 text-sm text-zinc-600">
          {created
            ? 'The file is a usable ONNX model. Its signature, read from the file:'
            : `The identical bytes were already version ${version.version} of ${version.model}, so no new version was created. Its signature:`}
        </p>
        <p className="mt-1 text-xs text-zinc-500">
          {formatBytes(version.sizeBytes)} · sha256 <code className="font-mono">{shortSha(version.sha256)}</code> ·{' '}
          {version.signature.batchable ? 'batchable' : 'not batchable'}
        </p>
      </div>

      {version.warnings.length > 0 ? (
        <div className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          <p className="font-semibold">{version.warnings.length === 1 ? 'Warning' : `${version.warnings.length} warnings`}</p>
          <ul className="mt-1 list-disc pl-5">
            {version.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </div>
      ) : null}

      <SignatureTables signature={version.signature} />

      <div className="flex flex-wrap gap-2">
        <Link href={versionHref} className={buttonClasses('primary')}>
          View version
        </Link>
        <button type="button" onClick={onUploadAnother} className={buttonClasses('secondary')}>
          Upload another file
        </button>
      </div>
    </section>
  );
}
