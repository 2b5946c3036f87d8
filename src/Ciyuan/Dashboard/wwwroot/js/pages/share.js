// Token share: tokens and spend by model, provider, model family or jurisdiction over time, with a ranking.
import { t, num, pct, money, hour, date } from '../i18n.js';
import { get } from '../api.js';
import { h, field, select, table, stackedChart, n, m } from '../ui.js';

export async function render(root) {
  const by = select('by', [['model', t('share.model')], ['provider', t('share.provider')], ['family', t('share.family')], ['jurisdiction', t('share.jurisdiction')]], 'model');
  const span = select('window', [['24h', '24h'], ['7d', '7d'], ['30d', '30d']], '7d');
  const metric = select('metric', [['tokens', t('share.tokens')], ['spend', t('share.spend')]], 'tokens');
  const chart = h('div', { class: 'chart card', id: 'share-chart', role: 'img', 'aria-label': t('share.title') });
  const ranking = h('div');
  root.append(h('h1', { id: 'page-title' }, t('share.title')),
    h('form', { class: 'filters' }, field(t('share.by'), by), field(t("share.window"), span), field(t('share.metric'), metric)),
    chart, h('h2', {}, t('rank')), ranking);
  const load = async () => {
    const data = await get(`api/share?window=${span.value}&by=${by.value}`);
    const spend = metric.value === 'spend';
    const label = data.window === '24h' ? hour : date;
    stackedChart(chart, data.points, data.series.map(s => ({ label: s.group, values: spend ? s.cost_usd_micros : s.tokens })),
      spend ? (v) => money(Math.round(v), 'USD') : (v) => num(v));
    chart.setAttribute('aria-label', `${t('share.title')}: ${data.points.map(label).join(', ')}`);
    ranking.replaceChildren(table(t('rank'), [
      { text: t('rank'), num: true }, t('group'), { text: t('share'), num: true }, { text: t('requests'), num: true },
      { text: t('tokens'), num: true }, { text: t('input_uncached'), num: true }, { text: t('cache_read'), num: true },
      { text: t('cache_write'), num: true }, { text: t('output'), num: true }, { text: t('cost'), num: true },
    ], data.ranking.map((r, i) => [
      n(i + 1), r.group, { v: pct(r.share), num: true, sort: r.share }, n(r.requests), n(r.tokens.total), n(r.tokens.input_uncached),
      n(r.tokens.cache_read), n(r.tokens.cache_write), n(r.tokens.output), m(r.cost),
    ]), { id: 'share-ranking', sortable: true }));
  };
  for (const control of [by, span, metric]) control.addEventListener('change', load);
  await load();
}
