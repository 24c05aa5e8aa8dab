// Starts long-running services with prefixed output and stops them all together.
import { spawn } from 'node:child_process';
import { childEnv, repoRoot } from './pnpm.mjs';

const COLOURS = { api: 36, worker: 35, web: 33 };

const hasExited = (child) => child.exitCode !== null || child.signalCode !== null;

export class ProcessGroup {
  children = [];
  stopping = false;

  /**
   * quiet: keep output to print only if a process dies early. exitWithParent: when one child dies,
   * stop the others and exit this process (npm run dev); otherwise just report it.
   */
  constructor({ quiet = false, exitWithParent = true } = {}) {
    this.quiet = quiet;
    this.exitWithParent = exitWithParent;
  }

  start(name, command, args, { cwd = repoRoot, env = {} } = {}) {
    const child = spawn(command, args, { cwd, env: { ...childEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const tag = `\x1b[${COLOURS[name] ?? 32}m${name.padEnd(6)}\x1b[0m│ `;
    let kept = '';
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream.on('data', (chunk) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop();
        for (const line of lines) {
          if (this.quiet) kept = (kept + tag + line + '\n').slice(-20_000);
          else process.stdout.write(tag + line + '\n');
        }
      });
    }
    child.on('exit', (code, signal) => {
      if (this.stopping) return;
      if (this.quiet) process.stderr.write(kept);
      console.error(`${tag}exited (${signal ?? code})`);
      if (this.exitWithParent) this.stop(1);
    });
    this.children.push(child);
    return child;
  }

  /** Stops every child (SIGTERM, then SIGKILL after 10 s) and resolves when all have exited. */
  async stopAll() {
    this.stopping = true;
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise((resolve) => {
            if (hasExited(child)) return resolve();
            const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }

  stop(exitCode = 0) {
    if (this.stopping && exitCode === 0) return;
    this.stopAll().then(() => process.exit(exitCode));
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
