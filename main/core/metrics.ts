// The latest value of each metric per server, with a short series for the sparkline,
// folded from `analytics.metric.updated` events.
import type { EventMessage } from './common/protocol';
import type { MetricSeries } from './common/views';
import { displayText } from './common/untrusted-text';

const RECENT = 60;
const MAX_SERIES = 500;

function text(v: unknown, max = 128): string | null {
  return typeof v === 'string' ? displayText(v, max) || null : null;
}

export class MetricsTracker {
  private series = new Map<string, MetricSeries>();

  /** Folds a batch in; returns true when anything changed. */
  add(batch: readonly EventMessage[], receivedAt: number): boolean {
    let changed = false;
    for (const e of batch) {
      if (e.event !== 'analytics.metric.updated') continue;
      const d = e.data;
      const name = text(d.name);
      // Stryker disable next-line ConditionalExpression: for the types only; Number.isFinite refuses anything but a number
      const value = typeof d.value === 'number' && Number.isFinite(d.value) ? d.value : null;
      if (!name || value === null) continue;
      const meta = (d.metadata && typeof d.metadata === 'object' ? d.metadata : {}) as Record<
        string,
        unknown
      >;
      const server = text(meta.server) ?? 'unknown';
      const key = `${server}\u0000${name}`;
      let s = this.series.get(key);
      if (!s) {
        if (this.series.size >= MAX_SERIES) continue; // a hostile server cannot grow this without bound
        s = {
          name,
          server,
          region: text(meta.region),
          unit: text(d.unit, 32) ?? '',
          latest: value,
          updatedAt: receivedAt,
          recent: [],
        };
        this.series.set(key, s);
      }
      s.latest = value;
      s.updatedAt = receivedAt;
      s.unit = text(d.unit, 32) ?? s.unit;
      s.recent.push(value);
      if (s.recent.length > RECENT) s.recent.shift(); // one value in, at most one out
      changed = true;
    }
    return changed;
  }

  list(): MetricSeries[] {
    return [...this.series.values()]
      .sort((a, b) => a.server.localeCompare(b.server) || a.name.localeCompare(b.name))
      .map((s) => ({ ...s, recent: [...s.recent] }));
  }
}
