import type { ModelVersion } from '@modelgate/contracts';
import { formatSignatureTable } from '../format/signature.js';
import { formatBytes, shortSha256 } from '../format/quantities.js';
import type { Style } from '../format/style.js';
import { formatFields } from '../format/table.js';

function warningLines(warnings: readonly string[], style: Style): string[] {
  return warnings.map((warning) => `${style.yellow('warning:')} ${warning}`);
}

/**
 * What an upload produced: the new version (or the existing one the same bytes already are), its
 * signature, and any warnings validation had.
 */
export function describeUpload(version: ModelVersion, created: boolean, style: Style): string {
  const facts = `${formatBytes(version.sizeBytes)}, sha256 ${shortSha256(version.sha256)}`;
  const headline = created
    ? `${style.green(`${version.model} v${version.version} created`)} (${facts})`
    : `${version.model}: identical bytes are already version ${version.version}; nothing new was stored (${facts})`;
  return [headline, '', formatSignatureTable(version.signature, style), ...(version.warnings.length ? ['', ...warningLines(version.warnings, style)] : [])].join('\n');
}

const listOrDash = (values: readonly string[] | undefined) => (values?.length ? values.join(', ') : '—');

function formatOpsets(version: ModelVersion): string {
  return listOrDash(version.facts.opsets.map((opset) => `${opset.domain || 'ai.onnx'} ${opset.version}`));
}

function formatProducer(version: ModelVersion): string {
  return [version.facts.producerName, version.facts.producerVersion].filter(Boolean).join(' ') || '—';
}

/** Everything worth knowing about one version, for `versions show`. */
export function describeVersion(version: ModelVersion, style: Style): string {
  const { metadata, facts } = version;
  const fields: [string, string][] = [
    ['status', version.status],
    ['archived', version.archivedAt ?? 'no'],
    ['size', `${formatBytes(version.sizeBytes)} (${version.sizeBytes} bytes)`],
    ['sha256', version.sha256],
    ['file', version.fileName ?? '—'],
    ['created', `${version.createdAt}${version.createdBy ? ` by ${version.createdBy}` : ''}`],
    ['batchable', version.signature.batchable ? 'yes (every input has a symbolic first dimension)' : 'no'],
    ['producer', formatProducer(version)],
    ['ir version', String(facts.irVersion)],
    ['opsets', formatOpsets(version)],
  ];
  if (facts.domain) fields.push(['domain', facts.domain]);
  if (facts.docString) fields.push(['doc', facts.docString.split('\n')[0] ?? '']);
  for (const [key, value] of Object.entries(facts.metadataProps)) fields.push([`model prop ${key}`, value]);
  fields.push(['description', metadata.description || '—'], ['tags', listOrDash(metadata.tags)]);
  fields.push(['metrics', metadata.metrics ? JSON.stringify(metadata.metrics) : '—']);
  fields.push(['sample input', metadata.sampleInput ? JSON.stringify(metadata.sampleInput) : '—']);

  const sections = [style.bold(`${version.model} v${version.version}`), formatFields(fields, style), '', formatSignatureTable(version.signature, style)];
  if (version.warnings.length) sections.push('', ...warningLines(version.warnings, style));
  return sections.join('\n');
}
