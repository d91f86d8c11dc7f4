// Child process for crash-safety.test.ts: appends events to a history as fast as a busy server
// would send them, and reports each appended id with the time it was appended, until it is
// killed with SIGKILL. Usage: node --import tsx crash-writer.ts <dir> <maxEvents> [compactionSlack]
import { EventHistory } from '../../../main/core/history/history';

const [dir, maxEventsArg, slackArg] = process.argv.slice(2);
const maxEvents = Number(maxEventsArg ?? 100_000);
const compactionSlack = slackArg === undefined ? undefined : Number(slackArg);

const history = await EventHistory.open({ dir: dir!, maxEvents, compactionSlack });
process.stdout.write(`ready ${history.info().events}\n`);
let compactedAt = history.info().fileBytes;

let seq = 0;
let batches = 0;
const payload = 'p'.repeat(300);

function tick() {
  const batch = Array.from({ length: 4 }, () => {
    seq++;
    return {
      type: 'event' as const,
      id: `w${seq}`,
      event: seq % 7 === 0 ? 'security.alert.created' : 'message.created',
      channel: 'x',
      data: { n: seq, severity: 'high', content: payload },
    };
  });
  const at = Date.now();
  history.append(batch, at);
  batches++;
  if (batches % 10 === 0) history.markRead([`w${seq - 1}`]);
  if (batches % 50 === 0) history.addGap({ start: at - 100, end: at });
  // A shrinking file means a compaction finished: tell the test, which wants kills after one.
  const bytes = history.info().fileBytes;
  if (bytes < compactedAt) process.stdout.write(`compacted ${bytes}\n`);
  compactedAt = bytes;
  // Reported after append() returned: from here the history is responsible for it.
  process.stdout.write(`${seq} ${at}\n`);
  setTimeout(tick, 2);
}
tick();
