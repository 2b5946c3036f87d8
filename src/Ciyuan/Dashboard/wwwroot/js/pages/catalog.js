// The catalog: models and prices per million tokens, sortable, searchable, with a price comparison.
import { t, num, money } from '../i18n.js';
import { get } from '../api.js';
import { h, field, table, n } from '../ui.js';

export async function render(root) {
  const data = await get('api/catalog');
  const search = h('input', { type: 'search', name: 'search' });
  const hitShare = h('input', { type: 'number', name: 'hit', min: '0', max: '100', value: '50' });
  const list = h('div');
  const comparison = h('div', { id: 'catalog-comparison' });
  const chosen = new Set();
  root.append(h('h1', { id: 'page-title' }, t('cat.title'), ' ', h('span', { class: 'muted' }, data.as_of)),
    h('form', { class: 'filters' }, field(t('cat.search'), search), field(t('cat.hit_share'), hitShare)),
    list, h('h2', {}, t('cat.compare')), h('p', { class: 'muted' }, t('cat.workload')), comparison);

  const draw = () => {
    const query = search.value.toLowerCase();
    const rows = data.data.filter(m => !query || `${m.id} ${m.name} ${m.provider_name}`.toLowerCase().includes(query));
    list.replaceChildren(table(`${t('cat.title')} (${t('cat.per_m')})`, ['', t('model'), t('provider'), t('share.jurisdiction'), { text: t('context'), num: true },
      t('currency'), { text: t('input'), num: true }, { text: t('cache_hit'), num: true }, { text: t('output'), num: true }, t('license'), t('source_date')],
    rows.map(m => {
      const tier = m.price?.tiers[0];
      const box = h('input', { type: 'checkbox', 'aria-label': m.name, checked: chosen.has(m.id) });
      box.addEventListener('change', () => { box.checked ? chosen.add(m.id) : chosen.delete(m.id); compare(); });
      const tiers = m.price?.tiers.length > 1
        ? h('span', { class: 'badge', title: m.price.tiers.map(tierText).join('\n') }, `${m.price.tiers.length} ${t('cat.tiers')}`)
        : null;
      return [box, { v: h('span', {}, m.name, m.configured ? h('span', { class: 'badge' }, t('configured')) : null), sort: m.name }, m.provider_name, m.jurisdiction || '–',
        n(m.context), { v: h('span', {}, m.price?.currency || '–', ' ', tiers), sort: m.price?.currency }, n(tier?.input, 4), n(tier?.cache_hit, 4), n(tier?.output, 4),
        m.license || '–', m.source_date];
    }), { id: 'catalog-table', sortable: true }));
  };

  const compare = () => {
    const share = Math.min(100, Math.max(0, Number(hitShare.value) || 0)) / 100;
    const rows = data.data.filter(m => chosen.has(m.id) && m.price).map(m => {
      const tier = m.price.tiers[0];
      // Tokens × price per million tokens is micro-units of the currency.
      const micros = Math.round(1e6 * (1 - share) * tier.input + 1e6 * share * (tier.cache_hit ?? tier.input) + 2e5 * tier.output);
      return [m.name, m.price.currency, { v: money(micros, m.price.currency), num: true, sort: micros }];
    });
    comparison.replaceChildren(table(t('cat.compare'), [t('model'), t('currency'), { text: t('cost'), num: true }], rows, { sortable: true }));
  };

  search.addEventListener('input', draw);
  // Each tier as one line: its prompt band or time-of-day window, then its prices.
  function tierText(tier) {
    const band = tier.max_input_tokens ? `≤ ${num(tier.max_input_tokens)}` : tier.time_of_day ? t('cat.time_of_day') : t('cat.other_times');
    return `${band}: ${t('input')} ${tier.input} · ${t('cache_hit')} ${tier.cache_hit ?? '–'} · ${t('output')} ${tier.output}`;
  }
  hitShare.addEventListener('input', compare);
  draw();
  compare();
}
