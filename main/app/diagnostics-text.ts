// "Copy diagnostics": the diagnostics view as plain text for a bug report. The caller redacts
// the result once more (the log lines already are) before it leaves the app.
import type { Diagnostics } from '../core/common/views';

export function diagnosticsText(d: Diagnostics, about: { version: string; platform: string }) {
  const when = (ms: number) => new Date(ms).toISOString();
  return [
    `Katya Desktop ${about.version} on ${about.platform}`,
    `connection: ${d.connection.phase} since ${when(d.connection.since)}${d.connection.demo ? ' (demo)' : ''}`,
    `server: ${d.connection.serverUrl || '(none)'}`,
    `stats: ${JSON.stringify(d.stats)}`,
    `subscriptions: ${d.subscriptions.map((s) => `${s.name}=${s.status}${s.status === 'rejected' ? `(${s.code})` : ''}`).join(', ') || '(none)'}`,
    `history: ${JSON.stringify(d.historyInfo)}`,
    ...(d.connection.lastError ? [`last error: ${d.connection.lastError}`] : []),
    ...(d.network ?? []).map((l) => `network: ${l}`),
    'state changes:',
    ...d.stateHistory.map((c) => `  ${when(c.at)} ${c.phase}${c.detail ? ` ${c.detail}` : ''}`),
    'log:',
    ...d.logLines.map((l) => `  ${l}`),
  ].join('\n');
}
