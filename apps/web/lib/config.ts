/**
 * The dashboard's configuration, read from the environment once per server process.
 * Only the server reads it: pages fetch from the API at request time, the browser never does.
 */
export interface WebConfig {
  /** Base URL of the Modelgate HTTP API, without a trailing slash. */
  apiUrl: string;
}

const DEFAULT_API_URL = 'http://127.0.0.1:4000';

let cached: WebConfig | undefined;

export function webConfig(): WebConfig {
  cached ??= readWebConfig(process.env);
  return cached;
}

function readWebConfig(env: NodeJS.ProcessEnv): WebConfig {
  const raw = env.MODELGATE_API_URL?.trim() || DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`MODELGATE_API_URL must be an http(s) URL such as ${DEFAULT_API_URL}; got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`MODELGATE_API_URL must use http or https; got "${raw}"`);
  }
  return {
    apiUrl: url.toString().replace(/\/+$/, ''),
  };
}
