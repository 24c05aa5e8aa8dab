// Starts long-running services with prefixed output and stops them all together.
import { spawn } from 'node:child_process';
import { childEnv, repoRoot } from './pnpm.mjs';

const COLOURS = { api: 36, worker: 35, web: 33 };

export class ProcessGroup {
  children = [];

  start(name, command, args, { cwd = repoRoot, env = {} } = {}) {
    const child = spawn(command, args, { cwd, env: { ...childEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const tag = `\x1b[${COLOURS[name] ?? 32}m${name.padEnd(6)}\x1b[0m│ `;
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream.on('data', (chunk) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop();
        for (const line of lines) process.stdout.write(tag + line + '\n');
      });
    }
    child.on('exit', (code, signal) => {
      if (!this.stopping) {
        console.error(`${tag}exited (${signal ?? code}); stopping the others`);
        this.stop(1);
      }
    });
    this.children.push(child);
    return child;
  }

  stop(exitCode = 0) {
    if (this.stopping) return;
    this.stopping = true;
    for (const child of this.children) child.kill('SIGTERM');
    setTimeout(() => process.exit(exitCode), 3000).unref();
    Promise.all(this.children.map((child) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.on('exit', resolve))))).then(() =>
      process.exit(exitCode),
    );
  }
}

export async function waitForHttp(url, { timeoutMs = 60_000, what = url } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000}s`);
}
