import type { ModelDetail, ModelList } from '@modelgate/contracts';
import { formatBytes, formatDateTime } from '../format/quantities.js';
import type { Style } from '../format/style.js';
import { formatFields, formatTable } from '../format/table.js';

export function describeModelList(list: ModelList, style: Style): string {
  if (list.items.length === 0) return 'no models yet: upload one with `modelgate models upload <model> <file.onnx>`';
  const rows = list.items.map((model) => [model.name, String(model.versionCount), model.latestVersion === null ? '—' : `v${model.latestVersion}`, formatDateTime(model.updatedAt)]);
  return formatTable(['name', 'versions', 'latest', 'updated'], rows, style);
}

/** A model and its versions, newest first; archived ones keep their numbers and say so. */
export function describeModel(model: ModelDetail, style: Style): string {
  const header = formatFields(
    [
      ['model', model.name],
      ...(model.description ? ([['description', model.description]] as [string, string][]) : []),
      ['versions', String(model.versionCount)],
      ['latest', model.latestVersion === null ? '—' : `v${model.latestVersion}`],
      ['created', formatDateTime(model.createdAt)],
    ],
    style,
  );
  if (model.versions.length === 0) return `${header}\n\nno versions`;
  const rows = model.versions.map((version) => [
    `v${version.version}`,
    version.archivedAt ? 'archived' : version.status,
    formatBytes(version.sizeBytes),
    version.sha256.slice(0, 12),
    formatDateTime(version.createdAt),
    version.metadata.tags?.join(', ') ?? '',
    version.metadata.description?.split('\n')[0] ?? '',
  ]);
  return `${header}\n\n${formatTable(['version', 'status', 'size', 'sha256', 'created', 'tags', 'description'], rows, style)}`;
}
