// The built `katya` as a child process: built once per test file with the same esbuild options
// as `npm run build:node`, then run with real sockets against a real server.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '../../..');

export async function buildKatya(): Promise<{ bin: string; cleanup: () => void }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'katya-cli-'));
  const bin = path.join(dir, 'katya.cjs');
  await build({
    entryPoints: [path.join(root, 'main/cli/katya.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['electron', 'bufferutil', 'utf-8-validate'],
    outfile: bin,
    logLevel: 'warning',
  });
  return { bin, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An environment without the caller's colour settings or token, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'KATYA_TOKEN']) delete env[k];
  return { ...env, ...extra };
}

export class KatyaProcess {
  readonly stdout: string[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private partial = '';
  private waiters: Array<() => void> = [];

  constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop()!;
      this.stdout.push(...parts);
      this.wake();
    });
    child.stderr!.on('data', (chunk: string) => {
      this.stderr += chunk;
      this.wake();
    });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        if (this.partial) this.stdout.push(this.partial);
        this.partial = '';
        resolve({ code, signal });
        this.wake();
      });
    });
  }

  static start(bin: string, args: string[], env: NodeJS.ProcessEnv = cleanEnv()): KatyaProcess {
    return new KatyaProcess(
      spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }),
    );
  }

  /** Run to the end; for commands that exit by themselves. */
  static async run(bin: string, args: string[], env?: NodeJS.ProcessEnv) {
    const p = KatyaProcess.start(bin, args, env);
    const { code } = await p.exited;
    return { code, stdout: p.stdout.join('\n'), stderr: p.stderr, lines: p.stdout };
  }

  /** stdout lines parsed as JSON (lines that are not JSON make the test fail). */
  json(): Array<Record<string, unknown>> {
    return this.stdout.filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async until<T>(find: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found) return found;
      if (Date.now() > deadline || !this.running) {
        // One more look: the exit may have come with the last output.
        const last = find();
        if (last) return last;
        throw new Error(
          `${what}: not seen within ${timeoutMs} ms (running: ${this.running})\nstdout:\n${this.stdout.join('\n')}\nstderr:\n${this.stderr}`,
        );
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The first JSON line that matches. */
  jsonLine(match: (l: Record<string, unknown>) => boolean, what: string, timeoutMs?: number) {
    return this.until(() => this.json().find(match), what, timeoutMs);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL') {
    if (this.running) this.child.kill(signal);
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }
}
