// Seeds the demo through the public API, exactly as a user would, with the admin's token: upload a
// real scikit-learn model, create the `demo` endpoint and promote the version to it. Safe to run
// again: identical bytes return the existing version and an endpoint already serving it is left
// alone. `createDemoKey` makes the application key the printed curl uses.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from './pnpm.mjs';

export const DEMO = {
  model: 'iris-classifier',
  endpoint: 'demo',
  file: path.join(repoRoot, 'fixtures/models/sklearn-logistic-regression-iris/model.onnx'),
  body: { inputs: { input: [[5.1, 3.5, 1.4]] } },
};

async function call(apiUrl, token, method, route, body) {
  const headers = { authorization: `Bearer ${token}` };
  const response = await fetch(new URL(route, apiUrl), {
    method,
    headers: body && !(body instanceof FormData) ? { 'content-type': 'application/json', ...headers } : headers,
    body: body instanceof FormData ? body : body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json().catch(() => null);
  return { status: response.status, json };
}

function fail(step, result) {
  throw new Error(`seeding the demo failed at ${step}: HTTP ${result.status} ${result.json?.detail ?? JSON.stringify(result.json)}`);
}

/** `token`: an admin's personal token (see sign-in.mjs). */
export async function seedDemo(apiUrl, token) {
  const form = new FormData();
  form.set('metadata', JSON.stringify({ description: 'scikit-learn LogisticRegression on iris (3 features), from onnx/sklearn-onnx', tags: ['demo', 'sklearn'] }));
  form.set('file', new Blob([await readFile(DEMO.file)]), 'model.onnx');
  const upload = await call(apiUrl, token, 'POST', `/v1/models/${DEMO.model}/versions`, form);
  if (upload.status !== 201 && upload.status !== 200) fail('upload', upload);

  let endpoint = await call(apiUrl, token, 'GET', `/v1/endpoints/${DEMO.endpoint}`);
  if (endpoint.status === 404) {
    endpoint = await call(apiUrl, token, 'POST', '/v1/endpoints', { name: DEMO.endpoint, description: 'Demo endpoint seeded by npm run dev' });
    if (endpoint.status !== 201) fail('create endpoint', endpoint);
  } else if (endpoint.status !== 200) fail('read endpoint', endpoint);

  const active = endpoint.json.activeRevision;
  if (!active) {
    const promoted = await call(apiUrl, token, 'POST', `/v1/endpoints/${DEMO.endpoint}/promote`, {
      model: DEMO.model,
      version: upload.json.version,
      expectedRevision: 0,
      reason: 'demo seed',
    });
    if (promoted.status !== 200) fail('promote', promoted);
  }
  return { model: DEMO.model, version: upload.json.version, endpoint: DEMO.endpoint };
}

const DEMO_KEY_NAME = 'demo app (npm run dev)';

/**
 * A fresh application key that may only predict on the demo endpoint. Secrets are shown once, so
 * each start makes a new one and revokes the keys earlier starts made.
 */
export async function createDemoKey(apiUrl, token) {
  const keys = await call(apiUrl, token, 'GET', '/v1/api-keys');
  if (keys.status !== 200) fail('list API keys', keys);
  for (const key of keys.json.items.filter((item) => item.name === DEMO_KEY_NAME && !item.revokedAt)) {
    const revoked = await call(apiUrl, token, 'DELETE', `/v1/api-keys/${key.id}`);
    if (revoked.status !== 200) fail('revoke the previous demo key', revoked);
  }
  const created = await call(apiUrl, token, 'POST', '/v1/api-keys', { name: DEMO_KEY_NAME, scopes: { predict: [DEMO.endpoint], read: false } });
  if (created.status !== 201) fail('create the demo key', created);
  return created.json.secret;
}
