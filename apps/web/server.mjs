#!/usr/bin/env node
// The dashboard's HTTP server: Next.js renders the pages, and `/api/v1/*` is a plain streaming
// proxy to the Modelgate API, handled here before Next sees the request. Doing it at this level
//  - lets a 2 GiB model upload take as long as the network needs (Node's default 300 s request
//    timeout, which `next start` keeps, would cut it off), passing through a few KiB at a time;
//  - keeps the API's framing headers (Next drops content-length from route handler responses, so
//    a browser could not show how much of an artifact download is left);
//  - keeps the browser on one origin: it never learns the API's address, and cookies ride along.
// `node server.mjs` serves the production build; `node server.mjs --dev` runs Next in dev mode.
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import next from 'next';

const dev = process.argv.includes('--dev');
const port = Number(process.env.MODELGATE_WEB_PORT || 3000);
const hostname = process.env.MODELGATE_WEB_HOST || '127.0.0.1';
const apiUrl = parseApiUrl(process.env.MODELGATE_API_URL || 'http://127.0.0.1:4000');

/** Request headers the API may care about; hop-by-hop and host stay here. */
const FORWARDED_REQUEST_HEADERS = [
  'accept', 'authorization', 'content-length', 'content-type', 'cookie', 'if-match', 'if-none-match',
  'if-modified-since', 'range', 'transfer-encoding', 'x-csrf-token', 'x-modelgate-version', 'x-request-id',
];
/** Response headers passed back, framing included. */
const FORWARDED_RESPONSE_HEADERS = [
  'accept-ranges', 'cache-control', 'content-disposition', 'content-length', 'content-range', 'content-type', 'digest',
  'etag', 'last-modified', 'location', 'repr-digest', 'retry-after', 'set-cookie', 'transfer-encoding', 'vary',
  'www-authenticate', 'x-request-id', 'x-modelgate-model', 'x-modelgate-version', 'x-modelgate-revision',
  'x-modelgate-placement', 'x-modelgate-cold-start', 'x-modelgate-batch-size', 'server-timing',
];

function parseApiUrl(raw) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`MODELGATE_API_URL must be an http(s) URL such as http://127.0.0.1:4000; got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`MODELGATE_API_URL must use http or https; got "${raw}"`);
  return url.toString().replace(/\/+$/, '');
}

function sendProblem(response, status, title, detail, code) {
  if (response.headersSent) return response.destroy();
  response.writeHead(status, { 'content-type': 'application/problem+json' });
  response.end(JSON.stringify({ type: 'about:blank', title, status, detail, code }));
}

function proxyToApi(request, response) {
  // URL parsing resolves dot segments, so "/api/v1/../x" can no longer pass for an API path.
  const incoming = new URL(request.url, 'http://dashboard.invalid');
  if (!incoming.pathname.startsWith('/api/v1/')) {
    return sendProblem(response, 400, 'Bad Request', `${request.url} is not an API path`, 'bad_input');
  }
  const target = new URL(`${apiUrl}${incoming.pathname.slice('/api'.length)}${incoming.search}`);
  const headers = {};
  for (const name of FORWARDED_REQUEST_HEADERS) if (request.headers[name] !== undefined) headers[name] = request.headers[name];
  // The API audits and throttles logins by the browser's address, not this server's.
  const forwardedFor = request.headers['x-forwarded-for'];
  const clientAddress = request.socket.remoteAddress ?? 'unknown';
  headers['x-forwarded-for'] = forwardedFor ? `${forwardedFor}, ${clientAddress}` : clientAddress;

  const client = target.protocol === 'https:' ? https : http;
  const upstream = client.request(target, { method: request.method, headers }, (answer) => {
    const passed = {};
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = answer.headers[name];
      if (value === undefined) continue;
      // The API's own paths (/v1/…) are reached from the browser through this proxy.
      passed[name] = name === 'location' && String(value).startsWith('/v1/') ? `/api${value}` : value;
    }
    response.writeHead(answer.statusCode ?? 502, answer.statusMessage, passed);
    answer.pipe(response);
  });
  upstream.on('error', (error) => {
    sendProblem(
      response,
      502,
      'Bad Gateway',
      `The Modelgate API at ${apiUrl} is not answering (${error.code ?? error.message}) for ${request.method} ${target.href}. Start it with npm run dev, or point MODELGATE_API_URL at it.`,
      'bad_gateway',
    );
  });
  // The browser cancelled (the upload's Cancel button) or went away: stop the API request too.
  response.on('close', () => {
    if (!response.writableFinished) upstream.destroy();
  });
  request.pipe(upstream);
}

const app = next({ dev, dir: path.dirname(fileURLToPath(import.meta.url)), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((request, response) => {
  if (request.url?.startsWith('/api/v1/') || request.url === '/api/v1') return proxyToApi(request, response);
  return handle(request, response);
});
// Next's own WebSocket traffic (hot reload in development).
const upgrade = app.getUpgradeHandler();
server.on('upgrade', (request, socket, head) => upgrade(request, socket, head));
// No whole-request deadline: uploads are bounded by size (MODELGATE_MAX_UPLOAD_BYTES), not time.
server.requestTimeout = 0;
server.listen(port, hostname, () => {
  console.log(`Modelgate dashboard on http://${hostname}:${port} (${dev ? 'development' : 'production'}), API ${apiUrl}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
