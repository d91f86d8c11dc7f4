// A feed row's DOM id names its entry in aria-activedescendant and aria-owns, so no two
// entries may share one. The entry's feed id is `server/eventId`, and the event id is whatever
// the server sent: every UTF-16 code unit outside [A-Za-z0-9_] is written as `-` and four hex
// digits, which nothing else can spell. The server's id ([a-z0-9], settings-schema.ts) is
// written the same way with `_` escaped too, so the first `_` after it is the separator and the
// usual `demo/evt_1` reads `feed-row-demo_evt_1`.

const escapeUnits = (s: string, outside: RegExp) =>
  s.replace(outside, (c) => `-${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export function rowDomId(feedId: string): string {
  const slash = feedId.indexOf('/');
  const server = slash < 0 ? '' : feedId.slice(0, slash);
  const event = feedId.slice(slash + 1);
  return `feed-row-${escapeUnits(server, /[^A-Za-z0-9]/g)}_${escapeUnits(event, /[^A-Za-z0-9_]/g)}`;
}
