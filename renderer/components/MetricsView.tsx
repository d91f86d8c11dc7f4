// Metrics: the latest value of each metric per server, with its unit and a sparkline.
import { useEffect } from 'preact/hooks';
import { useApp } from './context';
import type { MetricSeries } from '../../main/core/common/views';
import { scalarText } from '../format/text';
import { formatMetric } from '../format/metric';

function Sparkline({ values, label }: { values: number[]; label: string }) {
  const clean = values.filter((v) => Number.isFinite(v)).slice(-60);
  const w = 120;
  const h = 28;
  if (clean.length === 0)
    return <svg class="spark" width={w} height={h} role="img" aria-label={label} />;
  // one value so far: a level line, so the cell does not look broken
  if (clean.length === 1) clean.push(clean[0]!);
  const min = Math.min(...clean);
  const max = Math.max(...clean);
  const span = max - min || 1;
  const step = w / (clean.length - 1);
  const points = clean
    .map((v, i) => `${(i * step).toFixed(1)},${(h - 2 - ((v - min) / span) * (h - 4)).toFixed(1)}`)
    .join(' ');
  return (
    <svg class="spark" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
      <polyline points={points} fill="none" stroke="currentColor" stroke-width="1.5" />
    </svg>
  );
}

function MetricRow({ s }: { s: MetricSeries }) {
  const app = useApp();
  const i = app.i18n.value;
  const recent = Array.isArray(s.recent) ? s.recent.filter((v) => Number.isFinite(v)) : [];
  const label = i.t('metrics.sparkline', {
    count: recent.length,
    min: formatMetric(recent.length ? Math.min(...recent) : NaN, s.unit, i),
    max: formatMetric(recent.length ? Math.max(...recent) : NaN, s.unit, i),
  });
  return (
    <tr>
      <th scope="row">{scalarText(s.name, 80)}</th>
      <td>{scalarText(s.server, 80)}</td>
      <td>{scalarText(s.region, 40) || '—'}</td>
      <td class="num">{formatMetric(s.latest, s.unit, i)}</td>
      <td>
        <Sparkline values={recent} label={label} />
      </td>
      <td>{i.relative(s.updatedAt, app.coarseClock.value)}</td>
    </tr>
  );
}

export function MetricsView() {
  const app = useApp();
  const { t } = app.i18n.value;
  const metrics = app.metrics;
  useEffect(() => {
    void metrics.load();
  }, [metrics]);
  const list = metrics.series.value;
  return (
    <section class="page" aria-labelledby="metrics-title">
      <h1 id="metrics-title" tabIndex={-1}>
        {t('metrics.title')}
      </h1>
      {metrics.status.value === 'error' && (
        <p role="alert" class="error">
          {t('metrics.loadFailed', { error: metrics.error.value ?? '' })}
        </p>
      )}
      {list.length === 0 ? (
        <p class="empty-page">{t('metrics.empty')}</p>
      ) : (
        <table class="metrics">
          <thead>
            <tr>
              <th scope="col">{t('metrics.name')}</th>
              <th scope="col">{t('metrics.server')}</th>
              <th scope="col">{t('metrics.region')}</th>
              <th scope="col">{t('metrics.latest')}</th>
              <th scope="col">{t('metrics.trend')}</th>
              <th scope="col">{t('metrics.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <MetricRow key={`${s.server}\u0000${s.name}`} s={s} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
