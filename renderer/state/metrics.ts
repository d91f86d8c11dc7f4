// Metrics: the latest value of each metric per server, kept up to date by 'metrics:changed'.
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
    Array.isArray(s.recent)
  );
}

const keyOf = (s: MetricSeries) => `${s.server}\u0000${s.name}`;

function sorted(list: MetricSeries[]): MetricSeries[] {
  return list.sort((a, b) => a.server.localeCompare(b.server) || a.name.localeCompare(b.name));
}

export function createMetricsState(api: KatyaApi) {
  const series = signal<MetricSeries[]>([]);
  const status = signal<'idle' | 'loading' | 'error'>('idle');
  const error = signal<string | null>(null);

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
    const byKey = new Map(series.value.map((s) => [keyOf(s), s]));
    for (const s of changed) if (isSeries(s)) byKey.set(keyOf(s), s);
    series.value = sorted([...byKey.values()]);
  }

  return { series, status, error, load, apply };
}

export type MetricsState = ReturnType<typeof createMetricsState>;
