// Latest requests with a detail row; new ones arrive live.
import { t, num, money, time } from '../i18n.js';
import { get } from '../api.js';
import { h } from '../ui.js';
import { onLive } from '../app.js';

const columns = ['at', 'status', 'key', 'run', 'model', 'deployment', 'attempts', 'tokens', 'cost', 'latency', 'ttft'];

export async function render(root) {
  const body = h('tbody', { id: 'requests-body' });
  const rows = [];
  const table = h('div', { class: 'table-wrap' }, h('table', { id: 'requests-table' },
    h('caption', {}, t('req.bodies')),
    h('thead', {}, h('tr', {}, columns.map(c => h('th', { scope: 'col' }, c === 'key' ? t('key') : c === 'latency' ? t('latency').split(' ')[0] : t(c))), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, t('req.detail'))))),
    body));
  root.append(h('h1', { id: 'page-title' }, t('req.title'), ' ', h('span', { class: 'badge live-dot' }, t('live'))), table);
  const add = (records, atTop) => {
    for (const record of atTop ? [...records].reverse() : records) {
      const [row, detail] = renderRow(record);
      if (atTop) { body.prepend(row, detail); rows.unshift(row); } else { body.append(row, detail); rows.push(row); }
    }
    while (rows.length > 200) { const old = rows.pop(); old.nextSibling?.remove(); old.remove(); }
  };
  add((await get('api/requests?limit=100')).data, false);
  onLive('requests', (data) => {
    add(data.data, true);
    document.getElementById('live').textContent = `${data.data.length} ${t('requests')}`;
  });
}

function renderRow(r) {
  const bad = r.status !== 'ok';
  const detail = h('tr', { class: 'detail', hidden: true }, h('td', { colspan: columns.length + 1 }, h('dl', { class: 'tokens' },
    pair('ID', r.request_id),
    pair(t('provider'), `${r.provider} (${r.jurisdiction})`), pair('upstream model', r.upstream_model), pair('endpoint', r.endpoint),
    pair(t('project'), r.project), pair(t('streamed'), r.streamed ? t('yes') : t('no')), pair('HTTP', r.http_status),
    pair(t('input_uncached'), num(r.input_uncached)), pair(t('cache_read'), num(r.cache_read)), pair(t('cache_write'), num(r.cache_write)),
    pair(t('output'), num(r.output)), pair(t('reasoning'), num(r.reasoning)),
    pair(t('attempts'), r.attempts > 1 ? `${r.attempts} (${r.attempts - 1} fallback)` : r.attempts),
    ...(r.failed_attempts || []).map((f, i) => pair(`${t('req.failed')} ${i + 1}`, `${f.deployment}: ${f.reason}${f.status ? ` (HTTP ${f.status})` : ''}`)),
    pair(t('error'), r.error), pair('', t('req.bodies')))));
  const toggle = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false' }, t('req.detail'));
  toggle.addEventListener('click', () => {
    detail.hidden = !detail.hidden;
    toggle.setAttribute('aria-expanded', String(!detail.hidden));
  });
  const flags = [r.usage_estimated ? t('estimated') : null, r.unpriced ? t('unpriced') : null, r.usage_suspect ? t('suspect') : null].filter(Boolean);
  const row = h('tr', { dataset: { requestId: r.request_id, status: r.status } },
    h('td', {}, time(r.at)),
    h('td', { class: bad ? 'status-bad' : 'status-ok' }, r.status, flags.length ? h('span', { class: 'badge' }, flags.join(', ')) : null),
    h('td', {}, r.key_name || r.key_id),
    h('td', {}, r.run || '–'),
    h('td', {}, r.model),
    h('td', {}, r.deployment),
    h('td', { class: 'num' }, r.attempts),
    h('td', { class: 'num', 'data-value': r.input_uncached + r.cache_read + r.cache_write + r.output }, num(r.input_uncached + r.cache_read + r.cache_write + r.output)),
    h('td', { class: 'num', 'data-micros': r.cost_micros, 'data-currency': r.currency }, money(r.cost_micros, r.currency)),
    h('td', { class: 'num' }, `${num(r.latency_ms)} ms`),
    h('td', { class: 'num' }, r.ttft_ms === null ? '–' : `${num(r.ttft_ms)} ms`),
    h('td', {}, toggle));
  return [row, detail];
}

const pair = (label, value) => [h('dt', {}, label), h('dd', {}, value ?? '–')];
