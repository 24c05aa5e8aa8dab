/** Where the API listens when nothing else is said (`npm run dev`'s default port). */
export const DEFAULT_API_URL = 'http://127.0.0.1:4000';

/**
 * Checks an API base URL early, so a typo is reported as such rather than as a failed request,
 * and drops trailing slashes so paths can be appended (the API may sit under a path prefix).
 */
export function normalizeApiUrl(apiUrl: string): string {
  let parsed: URL;
  try {
    parsed = new URL(apiUrl);
  } catch {
    throw new TypeError(`the Modelgate API URL "${apiUrl}" is not a URL: expected something like ${DEFAULT_API_URL}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`the Modelgate API URL "${apiUrl}" must start with http:// or https://`);
  }
  return apiUrl.replace(/\/+$/, '');
}

/** `apiUrl` + `/v1/models/<name>/…`, each segment percent-encoded (names come from users). */
export function apiPath(apiUrl: string, segments: readonly (string | number)[]): string {
  return `${apiUrl}/${segments.map((segment) => encodeURIComponent(String(segment))).join('/')}`;
}
