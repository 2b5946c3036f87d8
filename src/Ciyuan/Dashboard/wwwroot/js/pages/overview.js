// Overview: today and this month, tokens by bucket, cache, errors, latency, budgets — updated live.
import { t, num, pct, money, hour, time } from '../i18n.js';
import { get } from '../api.js';
import { h, table, sparkline, moneyList, bar, n } from '../ui.js';
import { onLive } from '../app.js';

export async function render(root) {
  const body = h('div');
  root.append(h('h1', { id: 'page-title' }, t('nav.overview'), ' ', h('span', { class: 'badge live-dot' }, t('live'))), body);
  const draw = (data) => body.replaceChildren(...content(data));
  draw(await get('api/overview'));
  onLive('overview', (data) => {
    draw(data);
    document.getElementById('live').textContent = `${t('nav.overview')} ${time(data.now)}`;
  });
}

function content(data) {
  const spark = data.sparklines;
  const first = spark.hours[0];
  const sparkLabel = `${t('last24h')} ${first ? hour(first) : ''}`;
  return [
    h('div', { class: 'grid' },
      stat('spend-today', t('today') + ' · ' + t('spend'), moneyList(data.today.cost), sparkline(spark.cost_usd_micros, sparkLabel)),
      stat('spend-month', t('month') + ' · ' + t('spend'), moneyList(data.month.cost)),
      stat('requests-today', t('today') + ' · ' + t('requests'), value(data.today.requests), sparkline(spark.requests, sparkLabel)),
      stat('tokens-today', t('today') + ' · ' + t('tokens'), value(data.today.tokens.total), sparkline(spark.tokens, sparkLabel)),
      stat('error-rate-today', t('today') + ' · ' + t('error_rate'), h('span', { 'data-value': data.today.error_rate, 'data-errors': data.today.errors }, pct(data.today.error_rate)), sparkline(spark.errors, sparkLabel)),
      stat('cache-today', t('today') + ' · ' + t('cache_hit_ratio'), h('span', { 'data-value': data.today.cache_hit_ratio }, pct(data.today.cache_hit_ratio))),
      stat('saved-today', t('today') + ' · ' + t('cache_saved'), moneyList(data.today.cache_saved)),
      stat('latency', t('latency'), h('span', {},
        `${t('p50')} `, h('span', { 'data-value': data.latency.p50_ms ?? '' }, ms(data.latency.p50_ms)),
        ` · ${t('p95')} `, h('span', { 'data-value': data.latency.p95_ms ?? '' }, ms(data.latency.p95_ms)))),
      stat('ttft', t('ttft'), h('span', {},
        `${t('p50')} `, h('span', { 'data-value': data.latency.ttft_p50_ms ?? '' }, ms(data.latency.ttft_p50_ms)),
        ` · ${t('p95')} `, h('span', { 'data-value': data.latency.ttft_p95_ms ?? '' }, ms(data.latency.ttft_p95_ms)))),
    ),
    h('h2', {}, t('tokens')),
    table(t('tokens'), ['', { text: t('today'), num: true }, { text: t('month'), num: true }],
      ['input_uncached', 'cache_read', 'cache_write', 'output', 'reasoning', 'total'].map(bucket => [
        t(bucket), n(data.today.tokens[bucket]), n(data.month.tokens[bucket])]), { id: 'tokens-table' }),
    table(t('requests'), ['', { text: t('today'), num: true }, { text: t('month'), num: true }], [
      [t('requests'), n(data.today.requests), n(data.month.requests)],
      [t('errors'), n(data.today.errors), n(data.month.errors)],
      [t('estimated'), n(data.today.estimated_requests), n(data.month.estimated_requests)],
      [t('unpriced'), n(data.today.unpriced_requests), n(data.month.unpriced_requests)],
      [t('cache_saved'), { v: moneyList(data.today.cache_saved), num: true }, { v: moneyList(data.month.cache_saved), num: true }],
    ], { id: 'counts-table' }),
    h('h2', {}, t('budgets_against')),
    table(t('budgets_against'), [t('scope'), t('subject'), t('period'), { text: t('spent'), num: true }, { text: t('remaining'), num: true }, ''],
      data.budgets.map(b => [
        b.scope, b.subject + (b.model ? ` · ${b.model}` : ''), b.period,
        { v: money(toMicros(b.spent), b.currency), num: true },
        { v: money(toMicros(b.remaining), b.currency), num: true },
        bar(toMicros(b.spent), toMicros(b.held), toMicros(b.limit)),
      ]), { id: 'budgets-table' }),
  ];
}

export const toMicros = (decimal) => {
  const [whole, fraction = ''] = String(decimal).split('.');
  return Number(whole) * 1e6 + Number((fraction + '000000').slice(0, 6));
};

const ms = (value) => (value === null || value === undefined ? '–' : `${num(value, 0)} ms`);
const value = (v) => h('span', { 'data-value': v }, num(v));
const stat = (id, label, valueNode, extra) => h('div', { class: 'card stat', id },
  h('div', { class: 'label' }, label), h('div', { class: 'value' }, valueNode), extra);
