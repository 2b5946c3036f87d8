// In-doubt requests: held requests of instances that died, with release.
import { t, money, time } from '../i18n.js';
import { get, post } from '../api.js';
import { h, table } from '../ui.js';
import { canChange } from '../app.js';
import { toMicros } from './overview.js';

export async function render(root) {
  const list = h('div');
  const message = h('p', { class: 'error', role: 'alert' });
  root.append(h('h1', { id: 'page-title' }, t('doubt.title')), h('p', { class: 'muted' }, t('doubt.help')), message, list);
  const load = async () => {
    const data = await get('api/admin/in-doubt');
    list.replaceChildren(table(t('doubt.title'), ['ID', t('at'), t('key'), t('project'), t('run'), t('model'), t('deployment'), { text: t('held_usd'), num: true }, t('status')],
      data.data.map(d => h('tr', { dataset: { requestId: d.request_id } },
        h('td', {}, d.request_id), h('td', {}, time(d.at)), h('td', {}, d.key_id), h('td', {}, d.project || '–'), h('td', {}, d.run || '–'),
        h('td', {}, d.model), h('td', {}, d.deployment), h('td', { class: 'num' }, money(toMicros(d.held_usd), 'USD')),
        h('td', {}, d.released_at ? `${t('released')} ${time(d.released_at)}` : h('button', {
          type: 'button', class: 'secondary', disabled: !canChange(),
          onclick: () => confirm(t('confirm_release')) && post(`api/admin/in-doubt/${encodeURIComponent(d.request_id)}/release`).then(load, (e) => { message.textContent = e.message; }),
        }, t('release'))))), { id: 'in-doubt-table' }));
  };
  await load();
}
