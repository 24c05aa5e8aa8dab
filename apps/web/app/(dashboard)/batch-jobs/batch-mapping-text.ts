import type { BatchMapping } from '@modelgate/contracts';

/**
 * The mapping field of the submit form: one input per line, written as the CLI's `--mapping`
 * takes it — `x=a,b,c` (three columns, one number each, in order) or `features=payload` (one column
 * holding a JSON value). Blank lines are skipped; an empty field sends no mapping (the API's
 * defaults: columns named after the inputs, or every column for a single vector input).
 */
export function parseMappingText(text: string): { mapping: BatchMapping | undefined; error?: string } {
  const mapping: BatchMapping = {};
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const where = lines.length > 1 ? `Line ${index + 1}` : 'The mapping';
    const separator = line.indexOf('=');
    const input = line.slice(0, separator).trim();
    const columns = line
      .slice(separator + 1)
      .split(',')
      .map((column) => column.trim());
    if (separator <= 0 || columns.some((column) => column === '')) {
      return { mapping: undefined, error: `${where} is not input=column or input=column1,column2,…: “${line}”` };
    }
    if (Object.hasOwn(mapping, input)) return { mapping: undefined, error: `${where} maps input “${input}” a second time: give each input one line` };
    mapping[input] = columns.length === 1 ? (columns[0] as string) : columns;
  }
  return { mapping: Object.keys(mapping).length > 0 ? mapping : undefined };
}
