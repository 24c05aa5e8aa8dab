/**
 * Live feedback on a model name. The rule itself is contracts' SLUG_PATTERN, handed to the
 * browser as its source by the page (importing contracts here would ship zod to the browser);
 * the messages say which part of the rule a name breaks.
 */

export const MODEL_NAME_RULE = '2–63 characters: lowercase letters, digits and “-”, starting with a letter or digit';

export interface ModelNameRule {
  pattern: RegExp;
  /** contracts' RESERVED_MODEL_NAMES. */
  reserved: readonly string[];
}

export function modelNameProblem(name: string, { pattern, reserved }: ModelNameRule): string | undefined {
  if (name === '') return 'Enter a model name';
  if (reserved.includes(name)) return `“${name}” is reserved by the dashboard: pick another name`;
  if (pattern.test(name)) return undefined;
  const bad = [...name].find((char) => !/[a-z0-9-]/.test(char));
  if (bad !== undefined) {
    if (bad !== bad.toLowerCase()) return 'Use lowercase letters only';
    return bad === ' ' ? 'Spaces are not allowed: use “-” between words' : `“${bad}” is not allowed: use lowercase letters, digits and “-”`;
  }
  if (name.startsWith('-')) return 'Start with a letter or digit, not “-”';
  if (name.length < 2) return 'At least 2 characters';
  if (name.length > 63) return `At most 63 characters (this one has ${name.length})`;
  return `Model names are ${MODEL_NAME_RULE}`;
}

/** "Fraud Detector_v2" → "fraud-detector-v2": a valid name close to what was typed, if any. */
export function suggestModelName(name: string, { pattern, reserved }: ModelNameRule): string | undefined {
  const suggestion = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return suggestion !== name && pattern.test(suggestion) && !reserved.includes(suggestion) ? suggestion : undefined;
}
