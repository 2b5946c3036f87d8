// Agent runs: requests, tokens, cost and budget used; one run's timeline.
import { t, num, money, time } from '../i18n.js';
import { get } from '../api.js';
import { h, table, n, m, bar } from '../ui.js';
import { toMicros } from './overview.js';

export async function render(root) {
  const detail = h('div', { id: 'run-detail' });
  const data = await get('api/runs');
  root.append(h('h1', { id: 'page-title' }, t('runs.title')),
    table(t('runs.title'), [t('run'), { text: t('requests'), num: true }, { text: t('tokens'), num: true }, { text: t('cost'), num: true }, t('budget_used'), ''],
      data.data.map(r => [
        r.run, n(r.requests), n(r.input_uncached + r.cache_read + r.cache_write + r.output), m(r.cost), budgetCell(r.budgets),
        h('button', { type: 'button', class: 'secondary', onclick: () => show(r.run) }, t('runs.timeline')),
      ]), { id: 'runs-table', sortable: true }),
    detail);

  async function show(run) {
    const one = await get(`api/runs/${encodeURIComponent(run)}`);
    const start = one.requests.length ? Date.parse(one.requests[0].at) : 0;
    detail.replaceChildren(h('h2', {}, `${t('runs.timeline')} ${run}`),
      table(run, [t('at'), '+s', t('status'), t('model'), t('deployment'), { text: t('tokens'), num: true }, { text: t('cost'), num: true }, { text: 'ms', num: true }],
        one.requests.map(r => [time(r.at), n((Date.parse(r.at) - start) / 1000, 1), r.status, r.model, r.deployment,
          n(r.input_uncached + r.cache_read + r.cache_write + r.output), { v: money(r.cost_micros, r.currency), num: true }, n(r.latency_ms)]),
        { id: 'run-timeline' }));
    detail.querySelector('h2').focus?.();
  }
}

function budgetCell(budgets) {
  if (!budgets.length) return '–';
  return h('div', {}, budgets.map(b => h('div', {}, `${money(toMicros(b.spent), b.currency)} / ${money(toMicros(b.limit), b.currency)}`,
    bar(toMicros(b.spent), toMicros(b.held), toMicros(b.limit)))));
}
