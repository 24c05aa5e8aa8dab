/** Tags are typed as one comma-separated line; the API takes 1–64 characters each, at most 50. */

const MAX_TAG_LENGTH = 64;
const MAX_TAGS = 50;

/** "a, b ,, a" → ["a", "b"] */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((tag) => tag.trim()).filter(Boolean))];
}

/** Why the tags would be refused, or undefined when they are fine. */
export function tagsProblem(tags: string[]): string | undefined {
  const long = tags.find((tag) => tag.length > MAX_TAG_LENGTH);
  if (long) return `"${long.slice(0, 20)}…" is longer than ${MAX_TAG_LENGTH} characters`;
  if (tags.length > MAX_TAGS) return `at most ${MAX_TAGS} tags (got ${tags.length})`;
  return undefined;
}
