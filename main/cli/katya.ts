#!/usr/bin/env node
// The `katya` command: `server`, `tail`, `doctor` and their help. Each command returns its
// exit code; bad usage anywhere is a UsageError, printed with the command's usage, exit 2.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { EXIT, UsageError } from './args';
import { runDoctor } from './doctor-command';
import { runServer } from './server-command';
import { runTail } from './tail-command';
import { DOCTOR_USAGE, MAIN_USAGE, SERVER_USAGE, TAIL_USAGE } from './usage';

interface Command {
  run: (argv: string[]) => Promise<number>;
  usage: string;
}

// A Map: the name is what the user typed, and `katya constructor` is no command.
const COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['server', { run: runServer, usage: SERVER_USAGE }],
  ['tail', { run: runTail, usage: TAIL_USAGE }],
  ['doctor', { run: runDoctor, usage: DOCTOR_USAGE }],
]);

/** The version of the package this script belongs to (dist/main/cli/katya.cjs or the source). */
function version(): string {
  // npx runs the bin through a link in its cache; the package is where the link points.
  let script = path.resolve(process.argv[1] ?? '.');
  try {
    script = realpathSync(script);
  } catch {
    // keep the unresolved path
  }
  let dir = path.dirname(script);
  for (let i = 0; i < 6; i++) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'katya-desktop' && pkg.version) return pkg.version;
      } catch {
        // Not ours or unreadable: keep looking upward.
      }
    }
    dir = path.dirname(dir);
  }
  return 'unknown';
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(MAIN_USAGE);
    return EXIT.USAGE;
  }
  if (name === '-h' || name === '--help') {
    process.stdout.write(MAIN_USAGE);
    return EXIT.OK;
  }
  if (name === '-v' || name === '--version') {
    process.stdout.write(`katya ${version()}\n`);
    return EXIT.OK;
  }
  if (name === 'help') {
    const topic = rest[0];
    if (topic === undefined) process.stdout.write(MAIN_USAGE);
    else if (COMMANDS.has(topic)) process.stdout.write(COMMANDS.get(topic)!.usage);
    else {
      process.stderr.write(`katya: no command "${topic}"\n\n${MAIN_USAGE}`);
      return EXIT.USAGE;
    }
    return EXIT.OK;
  }
  const command = COMMANDS.get(name);
  if (!command) {
    process.stderr.write(`katya: no command "${name}"\n\n${MAIN_USAGE}`);
    return EXIT.USAGE;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    process.stdout.write(command.usage);
    return EXIT.OK;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`katya ${name}: ${err.message}\n\n${command.usage}`);
      return EXIT.USAGE;
    }
    process.stderr.write(`katya ${name}: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.FAILURE;
  }
}

// `katya tail | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  process.exit(err.code === 'EPIPE' ? EXIT.OK : EXIT.FAILURE);
});
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`katya: unexpected error: ${(reason as Error)?.stack ?? String(reason)}\n`);
  process.exit(EXIT.FAILURE);
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`katya: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(EXIT.FAILURE);
  },
);
