// Usage explorer: the same report as `ciyuan usage` (same handler as /admin/usage), with filters and CSV export.
import { t } from '../i18n.js';
import { get } from '../api.js';
import { h, field, select, table, n, moneyList } from '../ui.js';

const filters = ['key', 'project', 'run', 'model', 'provider', 'from', 'to'];

export async function render(root) {
  const by = select('by', ['key', 'project', 'run', 'model', 'provider', 'day'].map(g => [g, t(g)]), 'model');
  const inputs = Object.fromEntries(filters.map(name => [name, h('input', { name, type: name === 'from' || name === 'to' ? 'date' : 'text', autocomplete: 'off' })]));
  const result = h('div');
  const csv = h('a', { id: 'usage-csv', href: '#', download: 'ciyuan-usage.csv' }, t('usage.csv'));
  const form = h('form', { class: 'filters' }, field(t('usage.by'), by), filters.map(name => field(t(name), inputs[name])),
    h('button', { type: 'submit' }, t('apply')), csv);
  root.append(h('h1', { id: 'page-title' }, t('usage.title')), h('p', { class: 'muted' }, t('usage.note')), form, result);

  const query = () => {
    const params = new URLSearchParams({ by: by.value });
    for (const name of filters) if (inputs[name].value) params.set(name, inputs[name].value);
    return params;
  };
  const load = async () => {
    const params = query();
    const data = await get(`api/admin/usage?${params}`);
    params.set('format', 'csv');
    csv.href = `api/admin/usage?${params}`;
    result.replaceChildren(table(t('usage.title'), [
      t('group'), t('currency'), { text: t('requests'), num: true }, { text: t('input_uncached'), num: true }, { text: t('cache_read'), num: true },
      { text: t('cache_write'), num: true }, { text: t('output'), num: true }, { text: t('reasoning'), num: true }, { text: t('cost'), num: true },
      { text: t('estimated_requests'), num: true }, { text: t('unpriced_requests'), num: true },
    ], data.rows.map(r => [
      r.group, r.currency, n(r.requests), n(r.input_uncached), n(r.cache_read), n(r.cache_write), n(r.output), n(r.reasoning),
      { v: moneyList([{ currency: r.currency, micros: r.cost_micros }]), num: true, sort: r.cost_micros }, n(r.estimated_requests), n(r.unpriced_requests),
    ]), { id: 'usage-table', sortable: true }));
  };
  form.addEventListener('submit', (event) => { event.preventDefault(); load(); });
  by.addEventListener('change', load);
  await load();
}
