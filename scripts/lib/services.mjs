// Checks that PostgreSQL and Redis answer before anything tries to use them, with a message that
// names the URL and how to start them.
import net from 'node:net';

function connectAndTalk(host, port, send, expect, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let received = '';
    const done = (ok, why) => {
      socket.destroy();
      resolve({ ok, why });
    };
    socket.setTimeout(timeoutMs, () => done(false, 'no answer (timed out)'));
    socket.on('error', (error) => done(false, error.code ?? error.message));
    socket.on('connect', () => (send ? socket.write(send) : done(true)));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (expect(received)) done(true);
    });
  });
}

const hostPort = (url, defaultPort) => {
  const parsed = new URL(url);
  return { host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(parsed.port || defaultPort) };
};

// An SSLRequest packet: any PostgreSQL server answers it with one byte, "S" or "N".
const PG_SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

export async function checkServices({ databaseUrl, redisUrl }) {
  const pg = hostPort(databaseUrl, 5432);
  const redis = hostPort(redisUrl, 6379);
  const [pgResult, redisResult] = await Promise.all([
    connectAndTalk(pg.host, pg.port, PG_SSL_REQUEST, (text) => text.length >= 1),
    connectAndTalk(redis.host, redis.port, 'PING\r\n', (text) => text.includes('\r\n')),
  ]);
  const problems = [];
  if (!pgResult.ok) {
    problems.push(
      `PostgreSQL at ${databaseUrl.replace(/\/\/[^@]*@/, '//***@')} does not answer (${pgResult.why}).\n` +
        '  Start it with `docker compose up -d postgres` (see docker-compose.yml), or a local server:\n' +
        '  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n' +
        '  Or point DATABASE_URL at a running server (in .env).',
    );
  }
  if (!redisResult.ok) {
    problems.push(
      `Redis at ${redisUrl} does not answer (${redisResult.why}).\n` +
        '  Start it with `docker compose up -d redis`, or a local server:\n' +
        '  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\n' +
        '  Or point REDIS_URL at a running server (in .env).',
    );
  }
  return problems;
}
