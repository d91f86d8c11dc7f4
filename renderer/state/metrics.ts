// Metrics: the latest value of each metric per server, kept up to date by 'metrics:changed'.
// Each series names the Katya server that sent it (`source`) besides the machine it is about
// (`server`): two Katya servers may well send the same metric about the same machine.
import { signal } from '@preact/signals';
import type { KatyaApi } from '../../preload/contract';
import type { MetricSeries } from '../../main/core/common/views';

function isSeries(value: unknown): value is MetricSeries {
  if (!value || typeof value !== 'object') return false;
  const s = value as Partial<MetricSeries>;
  return (
    typeof s.name === 'string' &&
    typeof s.server === 'string' &&
    typeof s.latest === 'number' &&
    Array.isArray(s.recent) &&
    (s.source === undefined || typeof s.source === 'string')
  );
}

/** One series: the Katya server that sent it, the machine and the metric. */
export const metricKey = (s: MetricSeries) => `${s.source ?? ''}\u0000${s.server}\u0000${s.name}`;

function sorted(list: MetricSeries[]): MetricSeries[] {
  return list.sort(
    (a, b) =>
      a.server.localeCompare(b.server) ||
      a.name.localeCompare(b.name) ||
      (a.source ?? '').localeCompare(b.source ?? ''),
  );
}

export function createMetricsState(api: KatyaApi) {
  const series = signal<MetricSeries[]>([]);
  const status = signal<'idle' | 'loading' | 'error'>('idle');
  const error = signal<string | null>(null);
  /** with several servers: the Katya server whose metrics the view shows; '' for all */
  const source = signal('');

  async function load(): Promise<void> {
    status.value = 'loading';
    try {
      const list = await api.invoke['metrics:list']();
      series.value = sorted((Array.isArray(list) ? list : []).filter(isSeries));
      status.value = 'idle';
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
      status.value = 'error';
    }
  }

  /** Changed series replace their earlier versions; new ones are added. */
  function apply(changed: unknown): void {
    if (!Array.isArray(changed)) return;
    const byKey = new Map(series.value.map((s) => [metricKey(s), s]));
    for (const s of changed) if (isSeries(s)) byKey.set(metricKey(s), s);
    series.value = sorted([...byKey.values()]);
  }

  /** Servers main stopped following: their series go, and so does a view of one of them. */
  function forgetSources(ids: readonly string[]): void {
    const gone = new Set(ids);
    const kept = series.peek().filter((s) => s.source === undefined || !gone.has(s.source));
    if (kept.length !== series.peek().length) series.value = kept;
    if (gone.has(source.peek())) source.value = '';
  }

  return { series, status, error, source, load, apply, forgetSources };
}

export type MetricsState = ReturnType<typeof createMetricsState>;
