import type { Style } from './style.js';

/**
 * Plain aligned columns separated by two spaces, the header in capitals. Cells are padded before
 * styling so escape codes never shift the alignment; the last column is not padded (no trailing spaces).
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], style?: Style): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  const header = line(headers.map((text) => text.toUpperCase()));
  return [style ? style.bold(header) : header, ...rows.map(line)].join('\n');
}

/** `label  value` lines with the labels aligned, for one thing's details. */
export function formatFields(fields: readonly (readonly [label: string, value: string])[], style?: Style): string {
  const width = Math.max(0, ...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${style ? style.dim(label.padEnd(width)) : label.padEnd(width)}  ${value}`).join('\n');
}
