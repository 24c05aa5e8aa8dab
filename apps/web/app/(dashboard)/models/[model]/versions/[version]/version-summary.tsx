import type { ModelVersion } from '@modelgate/contracts';
import Link from 'next/link';
import { CopyButton } from '@/components/copy-button';
import { DateTime } from '@/components/date-time';
import { formatBytes } from '@/lib/format';
import type { ReactNode } from 'react';

/** An endpoint whose active revision sends part of its traffic to this version. */
export interface ServingEndpoint {
  endpoint: string;
  weight: number;
}

export function VersionSummary({ version, servedBy }: { version: ModelVersion; servedBy: ServingEndpoint[] }) {
  return (
    <dl className="mb-10 grid gap-px overflow-hidden rounded-xl border border-zinc-200 bg-zinc-200 shadow-xs sm:grid-cols-2 lg:grid-cols-4">
      <Fact label="Size">
        {formatBytes(version.sizeBytes)}{' '}
        <span className="text-zinc-500">({version.sizeBytes.toLocaleString('en-US')} bytes)</span>
      </Fact>
      <Fact label="Batchable">{version.signature.batchable ? 'Yes' : 'No'}</Fact>
      <Fact label="Created">
        <DateTime iso={version.createdAt} />
      </Fact>
      <Fact label="Created by">{version.createdBy ?? <span className="text-zinc-500">—</span>}</Fact>
      <Fact label="Served by" wide>
        {servedBy.length === 0 ? (
          <span className="text-zinc-500">No endpoint routes here</span>
        ) : (
          <ul>
            {servedBy.map((serving) => (
              <li key={serving.endpoint}>
                <Link href={`/endpoints/${serving.endpoint}`} className="font-medium text-indigo-700 hover:underline">
                  {serving.endpoint}
                </Link>{' '}
                <span className="text-zinc-500">{serving.weight}%</span>
              </li>
            ))}
          </ul>
        )}
      </Fact>
      <Fact label="File name" wide>
        {version.fileName ? (
          <code className="font-mono text-[13px] break-all">{version.fileName}</code>
        ) : (
          <span className="text-zinc-500">Not recorded</span>
        )}
      </Fact>
      <Fact label="SHA-256" full>
        <div className="flex items-start justify-between gap-3">
          <code className="font-mono text-[13px] break-all text-zinc-800">{version.sha256}</code>
          <CopyButton text={version.sha256} label="Copy SHA-256" />
        </div>
      </Fact>
    </dl>
  );
}

interface FactProps {
  label: string;
  /** Two columns wide; `full` spans the whole row. */
  wide?: boolean;
  full?: boolean;
  children: ReactNode;
}

function Fact({ label, wide = false, full = false, children }: FactProps) {
  const span = full ? 'sm:col-span-2 lg:col-span-4' : wide ? 'sm:col-span-2' : '';
  return (
    <div className={`bg-white px-5 py-4 ${span}`}>
      <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">{label}</dt>
      <dd className="mt-1 text-sm text-zinc-900">{children}</dd>
    </div>
  );
}
