// "Copy diagnostics": the diagnostics view as plain text for a bug report, every server's part
// in turn. The caller redacts the result once more (the log lines already are) before it
// leaves the app.
import type { Diagnostics, ServerDiagnostics } from '../core/common/views';

const when = (ms: number) => new Date(ms).toISOString();

function serverText(d: Omit<ServerDiagnostics, 'id' | 'name'>, indent: string): string[] {
  return [
    `connection: ${d.connection.phase} since ${when(d.connection.since)}${d.connection.demo ? ' (demo)' : ''}`,
    `server: ${d.connection.serverUrl || '(none)'}`,
    `stats: ${JSON.stringify(d.stats)}`,
    `subscriptions: ${d.subscriptions.map((s) => `${s.name}=${s.status}${s.status === 'rejected' ? `(${s.code})` : ''}`).join(', ') || '(none)'}`,
    `history: ${JSON.stringify(d.historyInfo)}`,
    ...(d.connection.lastError ? [`last error: ${d.connection.lastError}`] : []),
    ...d.network.map((l) => `network: ${l}`),
    'state changes:',
    ...d.stateHistory.map((c) => `  ${when(c.at)} ${c.phase}${c.detail ? ` ${c.detail}` : ''}`),
  ].map((line) => indent + line);
}

export function diagnosticsText(d: Diagnostics, about: { version: string; platform: string }) {
  const servers = d.servers ?? [];
  const parts =
    servers.length > 1
      ? servers.flatMap((s) => [`server "${s.name}" (${s.id}):`, ...serverText(s, '  ')])
      : serverText({ ...d, network: d.network ?? [] }, '');
  return [
    `Katya Desktop ${about.version} on ${about.platform}`,
    ...parts,
    'log:',
    ...d.logLines.map((l) => `  ${l}`),
  ].join('\n');
}
