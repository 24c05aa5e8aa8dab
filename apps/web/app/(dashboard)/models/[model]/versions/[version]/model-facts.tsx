import type { ModelFacts as Facts } from '@modelgate/contracts';
import type { ReactNode } from 'react';
import { Badge } from '@/components/badge';
import { Table, TableBody, TableHead, Td, Th } from '@/components/table';

export function ModelFacts({ facts }: { facts: Facts }) {
  const props = Object.entries(facts.metadataProps);
  return (
    <div className="grid gap-6">
      <dl className="grid gap-x-8 gap-y-4 rounded-xl border border-zinc-200 bg-white px-5 py-4 text-sm shadow-xs sm:grid-cols-2 lg:grid-cols-4">
        <Fact label="Producer">
          {facts.producerName || <span className="text-zinc-500">unknown</span>}
          {facts.producerVersion ? <span className="text-zinc-500"> {facts.producerVersion}</span> : null}
        </Fact>
        <Fact label="IR version">{facts.irVersion}</Fact>
        <Fact label="Domain">{facts.domain || <span className="text-zinc-500">none</span>}</Fact>
        <Fact label="Model version">{facts.modelVersion}</Fact>
        <div className="sm:col-span-2 lg:col-span-4">
          <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Opsets</dt>
          <dd className="mt-1 flex flex-wrap gap-1.5">
            {facts.opsets.length === 0 ? (
              <span className="text-zinc-500">none declared</span>
            ) : (
              facts.opsets.map((opset) => (
                <Badge key={`${opset.domain}:${opset.version}`}>
                  <span className="font-mono">
                    {/* The empty domain is the default operator set. */}
                    {opset.domain || 'ai.onnx'} {opset.version}
                  </span>
                </Badge>
              ))
            )}
          </dd>
        </div>
      </dl>

      <div>
        <h3 className="mb-2 text-sm font-semibold text-zinc-700">Metadata properties</h3>
        {props.length === 0 ? (
          <p className="text-sm text-zinc-500">The file sets none.</p>
        ) : (
          <Table caption="Metadata properties">
            <TableHead>
              <Th>Key</Th>
              <Th>Value</Th>
            </TableHead>
            <TableBody>
              {props.map(([key, value]) => (
                <tr key={key}>
                  <Td className="font-mono text-[13px] font-medium">{key}</Td>
                  <Td className="font-mono text-[13px] break-all">{value}</Td>
                </tr>
              ))}
            </TableBody>
          </Table>
        )}
      </div>

      <div>
        <h3 className="mb-2 text-sm font-semibold text-zinc-700">Doc string</h3>
        {facts.docString ? (
          <pre className="max-h-64 overflow-auto rounded-xl border border-zinc-200 bg-white p-4 font-mono text-[13px] whitespace-pre-wrap text-zinc-800">
            {facts.docString}
          </pre>
        ) : (
          <p className="text-sm text-zinc-500">The file has none.</p>
        )}
      </div>
    </div>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">{label}</dt>
      <dd className="mt-1 text-zinc-900">{children}</dd>
    </div>
  );
}
