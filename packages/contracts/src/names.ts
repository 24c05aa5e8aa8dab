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

export const ModelName = slug('model');
export const EndpointName = slug('endpoint');
