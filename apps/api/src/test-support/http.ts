import { readFile } from 'node:fs/promises';

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** Minimal JSON client for integration tests: real HTTP against the listening API. */
export async function http<T = any>(baseUrl: string, method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body instanceof FormData || body instanceof Uint8Array) init.body = body;
  else if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const response = await fetch(new URL(route, baseUrl), init);
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // leave as text
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

interface FormOptions {
  field?: string;
  fileName?: string;
  metadata?: unknown;
}

export function modelForm(bytes: Uint8Array, { field = 'file', fileName = 'model.onnx', metadata }: FormOptions = {}): FormData {
  const form = new FormData();
  if (metadata !== undefined) form.set('metadata', typeof metadata === 'string' ? metadata : JSON.stringify(metadata));
  form.set(field, new Blob([bytes]), fileName);
  return form;
}

export async function fileForm(filePath: string, options: FormOptions = {}): Promise<FormData> {
  return modelForm(new Uint8Array(await readFile(filePath)), options);
}
