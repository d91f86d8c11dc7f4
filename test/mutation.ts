// `npm run test:mutation [-- stryker options]`: mutation testing of main/core, then of main/app
// (test/README.md, "Mutation testing"). Two Stryker runs, because they use different suites:
// stryker.config.mjs judges the core by the core's own tests, stryker.app.config.mjs the app
// model with the suites that build the whole app as well.
//
// Options go to Stryker as they are (`--incremental`, `--concurrency 2`, `--force`...).
// `--mutate` also picks the run: `-- --mutate main/core/connection/backoff.ts` runs only the
// core's, for that one file. Exits 1 when a run fails, never for a low score.
import { spawnSync } from 'node:child_process';

const parts = [
  { name: 'main/core', prefix: 'main/core/', config: 'stryker.config.mjs' },
  { name: 'main/app', prefix: 'main/app/', config: 'stryker.app.config.mjs' },
];

// Split the arguments into --mutate's patterns and everything else.
const rest: string[] = [];
let patterns: string[] | null = null;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]!;
  if (a === '--mutate' || a === '-m') patterns = (argv[++i] ?? '').split(',');
  else if (a.startsWith('--mutate=')) patterns = a.slice('--mutate='.length).split(',');
  else rest.push(a);
}

/** Does a pattern ("main/core/x.ts", "!main/core/y.ts", "main/core/x.ts:10-20") belong to a part? */
const belongs = (pattern: string, prefix: string) => pattern.replace(/^!/, '').startsWith(prefix);
const strays = (patterns ?? []).filter((p) => !parts.some((part) => belongs(p, part.prefix)));
if (strays.length) {
  console.error(
    `test:mutation: --mutate takes main/core/… or main/app/… files, not ${strays.join(', ')}`,
  );
  process.exit(2);
}

let failed = false;
for (const part of parts) {
  const own = patterns?.filter((p) => belongs(p, part.prefix));
  if (own !== undefined && !own.some((p) => !p.startsWith('!'))) continue; // nothing of this part
  const args = [
    'stryker',
    'run',
    part.config,
    ...rest,
    ...(own ? ['--mutate', own.join(',')] : []),
  ];
  console.log(`\n── mutation testing of ${part.name}: npx ${args.join(' ')}`);
  const started = Date.now();
  const r = spawnSync('npx', args, { stdio: 'inherit' });
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const outcome = r.status === 0 ? 'done' : `failed (exit ${r.status ?? r.signal})`;
  console.log(`── ${part.name}: ${outcome} in ${minutes} min`);
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
