// Metrics: the latest value of each metric per server, with its unit and a sparkline. With
// several Katya servers, each row names the one that sent it, and a select shows one server's
// metrics or all of them.
import { ServerSelect } from './ServerSelect';
import { useEffect } from 'preact/hooks';
import { useApp } from './context';
import type { MetricSeries } from '../../main/core/common/views';
import { metricKey } from '../state/metrics';
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

function MetricRow({ s, withSource }: { s: MetricSeries; withSource: boolean }) {
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
      {withSource && (
        <td class="metric-source">{s.source === undefined ? '—' : app.serverName(s.source)}</td>
      )}
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
  // With several Katya servers: which one sent each series, in the user's order, and the
  // choice of one server's series or all.
  const multi = app.multiServer.value;
  const configured = app.settings.value.servers;
  const chosen = metrics.source.value;
  const source = multi && configured.some((s) => s.id === chosen) ? chosen : '';
  let shown = list;
  if (multi) {
    const order = new Map(configured.map((s, i) => [s.id, i]));
    const rank = (s: MetricSeries) => order.get(s.source ?? '') ?? configured.length;
    shown = list.filter((s) => !source || s.source === source).sort((a, b) => rank(a) - rank(b));
  }
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
      {multi && list.length > 0 && (
        <div class="page-tools">
          <label for="metrics-source">{t('metrics.sourceFilter')}</label>
          <ServerSelect
            id="metrics-source"
            value={source}
            allLabel={t('metrics.allSources')}
            servers={configured}
            onChange={(id) => (metrics.source.value = id)}
          />
        </div>
      )}
      {list.length === 0 ? (
        <p class="empty-page">{t('metrics.empty')}</p>
      ) : shown.length === 0 ? (
        <p class="empty-page" role="status">
          {t('metrics.emptySource', { name: app.serverName(source) })}
        </p>
      ) : (
        <table class="metrics">
          <thead>
            <tr>
              <th scope="col">{t('metrics.name')}</th>
              {multi && <th scope="col">{t('metrics.source')}</th>}
              <th scope="col">{t('metrics.server')}</th>
              <th scope="col">{t('metrics.region')}</th>
              <th scope="col">{t('metrics.latest')}</th>
              <th scope="col">{t('metrics.trend')}</th>
              <th scope="col">{t('metrics.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((s) => (
              <MetricRow key={metricKey(s)} s={s} withSource={multi} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
