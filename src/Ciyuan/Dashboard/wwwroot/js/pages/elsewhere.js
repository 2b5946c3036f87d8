// What the same tokens would have cost on other catalog models, beside what was paid.
import { t, num, money } from '../i18n.js';
import { get } from '../api.js';
import { h, field, select, table, n, moneyList } from '../ui.js';

const defaults = ['anthropic/claude-sonnet-4-5', 'openai/gpt-5', 'deepseek/deepseek-chat'];

export async function render(root) {
  const catalog = await get('api/catalog');
  const priced = catalog.data.filter(m => m.price);
  const span = select('window', [['today', t('today')], ['month', t('month')], ['7d', '7d'], ['30d', '30d']], 'month');
  const picker = h('select', { name: 'models', multiple: true, size: 8 },
    priced.map(m => h('option', { value: m.id, selected: defaults.includes(m.id) }, `${m.name} — ${m.provider_name}`)));
  if (!picker.selectedOptions.length) for (const option of [...picker.options].slice(0, 3)) option.selected = true;
  const result = h('div');
  root.append(h('h1', { id: 'page-title' }, t('elsewhere.title')), h('p', { class: 'muted' }, t('elsewhere.note')),
    h('form', { class: 'filters' }, field(t('share.window'), span), field(t('elsewhere.pick'), picker)), result);
  const load = async () => {
    const ids = [...picker.selectedOptions].map(o => o.value).join(',');
    const data = await get(`api/elsewhere?window=${span.value}&models=${encodeURIComponent(ids)}`);
    result.replaceChildren(
      h('div', { class: 'grid' },
        h('div', { class: 'card stat', id: 'elsewhere-paid' }, h('div', { class: 'label' }, t('elsewhere.paid')), h('div', { class: 'value' }, moneyList(data.paid))),
        h('div', { class: 'card stat' }, h('div', { class: 'label' }, t('tokens')), h('div', { class: 'value' },
          num(data.tokens.input_uncached + data.tokens.cache_read + data.tokens.cache_write + data.tokens.output)))),
      table(t('elsewhere.would'), [t('model'), { text: t('elsewhere.would'), num: true }, { text: t('elsewhere.diff'), num: true }, t('source_date')],
        data.alternatives.map(a => a.error ? [a.id, a.error, '', ''] : [
          a.name, { v: moneyList([{ currency: a.currency, micros: a.micros }]), num: true, sort: a.usd_micros },
          { v: money(a.usd_micros - data.paid_usd_micros, 'USD'), num: true, sort: a.usd_micros - data.paid_usd_micros, attrs: { 'data-micros': a.usd_micros - data.paid_usd_micros } },
          a.source_date,
        ]), { id: 'elsewhere-table', sortable: true }));
  };
  span.addEventListener('change', load);
  picker.addEventListener('change', load);
  await load();
}
