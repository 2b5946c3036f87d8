// Client keys: list, create (the key is shown once), revoke.
import { t, time } from '../i18n.js';
import { get, post } from '../api.js';
import { h, field, table } from '../ui.js';
import { canChange } from '../app.js';

export async function render(root) {
  const list = h('div');
  const message = h('p', { class: 'error', role: 'alert' });
  const shown = h('div', { id: 'new-key', 'aria-live': 'polite' });
  root.append(h('h1', { id: 'page-title' }, t('keys.title')), message, shown, list);
  const fail = (e) => { message.textContent = e.message; };

  const load = async () => {
    const data = await get('api/admin/keys');
    list.replaceChildren(table(t('keys.title'), [t('name'), 'ID', t('prefix'), t('project'), t('policy'), t('budget_usd'), t('rpm'), t('tpm'), t('max_concurrency'), t('created'), t('status'), t('actions')],
      data.data.map(k => h('tr', { dataset: { keyId: k.id } },
        h('td', {}, k.name), h('td', {}, k.id), h('td', {}, `${k.prefix}…`), h('td', {}, k.project || '–'), h('td', {}, k.policy || '–'),
        h('td', { class: 'num' }, k.budget_usd || '–'), h('td', { class: 'num' }, k.rpm ?? '–'), h('td', { class: 'num' }, k.tpm ?? '–'),
        h('td', { class: 'num' }, k.max_concurrency ?? '–'), h('td', {}, time(k.created_at)),
        h('td', { class: k.revoked_at ? 'status-bad' : 'status-ok' }, k.revoked_at ? `${t('revoked')} ${time(k.revoked_at)}` : t('active')),
        h('td', {}, k.revoked_at ? '' : h('button', {
          type: 'button', class: 'secondary revoke', disabled: !canChange(),
          onclick: () => confirm(t('confirm_revoke')) && post(`api/admin/keys/${k.id}/revoke`).then(load, fail),
        }, t('revoke'))))), { id: 'keys-list' }));
  };

  const inputs = {
    name: h('input', { name: 'name', required: true }),
    project: h('input', { name: 'project' }),
    policy: h('input', { name: 'policy' }),
    budget_usd: h('input', { name: 'budget_usd', type: 'number', min: '0', step: 'any' }),
    rpm: h('input', { name: 'rpm', type: 'number', min: '1', step: '1' }),
    tpm: h('input', { name: 'tpm', type: 'number', min: '1', step: '1' }),
    max_concurrency: h('input', { name: 'max_concurrency', type: 'number', min: '1', step: '1' }),
  };
  const form = h('form', { class: 'form card', id: 'key-form' }, h('strong', {}, t('keys.new')),
    Object.entries(inputs).map(([name, input]) => field(t(name), input)), h('button', { type: 'submit', disabled: !canChange() }, t('create')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    message.textContent = '';
    const body = { name: inputs.name.value };
    for (const name of ['project', 'policy']) if (inputs[name].value) body[name] = inputs[name].value;
    for (const name of ['budget_usd', 'rpm', 'tpm', 'max_concurrency']) if (inputs[name].value) body[name] = Number(inputs[name].value);
    post('api/admin/keys', body).then((created) => {
      form.reset();
      shown.replaceChildren(h('div', { class: 'card' }, h('p', {}, t('keys.shown_once')), h('p', { class: 'secret', id: 'new-key-secret' }, created.key)));
      return load();
    }, fail);
  });
  root.append(h('h2', {}, t('keys.new')), form);
  await load();
}
