// Deployments: live health from the router's own state, and route explain for a sample request.
import { t, num, time } from '../i18n.js';
import { get } from '../api.js';
import { h, field, select, table, n } from '../ui.js';
import { onLive } from '../app.js';

export async function render(root) {
  const list = h('div');
  const first = await get('api/deployments');
  const draw = (data) => list.replaceChildren(table(t('dep.title'), [t('deployment'), t('provider'), t('circuit'), { text: t('in_flight'), num: true },
    { text: 'RPM', num: true }, { text: 'TPM', num: true }, { text: t('ewma_ttft'), num: true }, { text: t('tokens_per_s'), num: true }, t('recent_errors')],
  data.data.map(d => h('tr', { dataset: { deployment: d.id } },
    h('td', {}, d.id), h('td', {}, `${d.provider} (${d.jurisdiction})`),
    h('td', { class: d.circuit === 'closed' ? 'status-ok' : 'status-bad' }, t(d.circuit), d.held_until ? ` · 429 → ${time(d.held_until)}` : ''),
    h('td', { class: 'num', 'data-value': d.in_flight }, `${d.in_flight}${d.max_in_flight ? ` / ${d.max_in_flight}` : ''}`),
    h('td', { class: 'num', 'data-value': d.rpm }, `${num(d.rpm)}${d.rpm_limit ? ` / ${num(d.rpm_limit)}` : ''}`),
    h('td', { class: 'num', 'data-value': d.tpm }, `${num(d.tpm)}${d.tpm_limit ? ` / ${num(d.tpm_limit)}` : ''}`),
    h('td', { class: 'num' }, d.ewma_ttft_ms === null ? '–' : `${num(d.ewma_ttft_ms)} ms`),
    h('td', { class: 'num' }, d.ewma_tokens_per_second === null ? '–' : num(d.ewma_tokens_per_second, 1)),
    h('td', {}, Object.entries(d.recent_errors).map(([status, count]) => `${status}: ${count}`).join(', ') || '–'))), { id: 'deployments-table' }));
  draw(first);
  onLive('deployments', draw);

  const model = select('model', first.models.map(m => [m, m]), first.models[0]);
  const key = h('input', { name: 'key', placeholder: 'key_…' });
  const maxTokens = h('input', { name: 'max_tokens', type: 'number', min: '1' });
  const output = h('pre', { id: 'explain-output', 'aria-live': 'polite' });
  const form = h('form', { class: 'filters' }, field(t('model'), model), field(t('key'), key), field(t('max_tokens'), maxTokens),
    h('button', { type: 'submit' }, t('dep.explain.run')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const params = new URLSearchParams({ model: model.value });
    if (key.value) params.set('key', key.value);
    if (maxTokens.value) params.set('max_tokens', maxTokens.value);
    try { output.textContent = (await get(`api/route-explain?${params}`)).text; } catch (e) { output.textContent = e.message; }
  });
  root.append(h('h1', { id: 'page-title' }, t('dep.title'), ' ', h('span', { class: 'badge live-dot' }, t('live'))),
    h('p', { class: 'muted' }, t('dep.note')), list, h('h2', {}, t('dep.explain')), form, output);
}
