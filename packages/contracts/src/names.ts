import { z } from 'zod';

/** Model and endpoint names appear in URLs, queue names and metrics labels, hence the slug rule. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

const slug = (what: string) =>
  z
    .string()
    .regex(
      SLUG_PATTERN,
      `${what} names are 2–63 characters of lowercase letters, digits and "-", starting with a letter or digit`,
    );

/** Names the dashboard uses as routes next to model names (/models/new). */
export const RESERVED_MODEL_NAMES = ['new'];

export const ModelName = slug('model').refine((name) => !RESERVED_MODEL_NAMES.includes(name), {
  message: `"new" is reserved (it is the dashboard's upload page): pick another model name`,
});
export const EndpointName = slug('endpoint');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `text` is a UUID as PostgreSQL's uuid type takes it (row ids), hyphens in place. */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}
