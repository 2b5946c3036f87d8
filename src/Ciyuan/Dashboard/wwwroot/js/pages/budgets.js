// Budget lines: spent / held / remaining against each window; create, edit and delete admin lines.
import { t, money, time } from '../i18n.js';
import { get, post, patch, del } from '../api.js';
import { h, field, select, table, bar } from '../ui.js';
import { canChange } from '../app.js';
import { toMicros } from './overview.js';

export async function render(root) {
  const list = h('div');
  const message = h('p', { class: 'error', role: 'alert', id: 'budgets-error' });
  root.append(h('h1', { id: 'page-title' }, t('budgets.title')), message, list);
  const fail = (e) => { message.textContent = e.message; };

  const load = async () => {
    const data = await get('api/admin/budgets');
    list.replaceChildren(table(t('budgets.title'), [t('scope'), t('subject'), t('model'), t('period'), t('currency'),
      { text: t('limit'), num: true }, { text: t('spent'), num: true }, { text: t('held'), num: true }, { text: t('remaining'), num: true }, '', t('window'), t('source'), t('actions')],
    data.data.map(b => h('tr', { dataset: { budgetId: b.id } },
      h('td', {}, b.scope), h('td', {}, b.subject), h('td', {}, b.model || '–'), h('td', {}, b.period), h('td', {}, b.currency),
      amount(b.limit, b.currency), amount(b.spent, b.currency), amount(b.held, b.currency), amount(b.remaining, b.currency),
      h('td', {}, bar(toMicros(b.spent), toMicros(b.held), toMicros(b.limit))),
      h('td', {}, b.period === 'total' ? '–' : time(b.window_start)), h('td', {}, b.source),
      h('td', {}, actions(b)))), { id: 'budgets-list' }));
  };

  function actions(b) {
    if (b.source !== 'admin') return h('span', { class: 'muted', title: t('budgets.readonly') }, '–');
    const amountInput = h('input', { type: 'number', min: '0', step: 'any', value: b.limit, 'aria-label': `${t('limit')} ${b.subject}`, class: 'edit-amount' });
    return h('span', {},
      amountInput,
      h('button', { type: 'button', class: 'secondary edit', disabled: !canChange(), onclick: () => patch(`api/admin/budgets/${b.id}`, { [b.currency.toLowerCase()]: Number(amountInput.value) }).then(load, fail) }, t('save')),
      h('button', { type: 'button', class: 'secondary delete', disabled: !canChange(), onclick: () => confirm(t('confirm_delete')) && del(`api/admin/budgets/${b.id}`).then(load, fail) }, t('delete')));
  }

  const scope = select('scope', [['project', 'project'], ['key', 'key'], ['run', 'run']], 'project');
  const subject = h('input', { name: 'subject', required: true });
  const value = h('input', { name: 'amount', type: 'number', min: '0', step: 'any', required: true });
  const currency = select('currency', [['usd', 'USD'], ['cny', 'CNY']], 'usd');
  const period = select('period', [['total', 'total'], ['daily', 'daily'], ['monthly', 'monthly']], 'total');
  const model = h('input', { name: 'model' });
  const form = h('form', { class: 'form card', id: 'budget-form' },
    h('strong', {}, t('budgets.new')), field(t('scope'), scope), field(t('subject'), subject), field(t('amount'), value), field(t('currency'), currency),
    field(t('period'), period), field(t('budgets.model'), model), h('button', { type: 'submit', disabled: !canChange() }, t('create')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    message.textContent = '';
    const body = { scope: scope.value, subject: subject.value, period: period.value, [currency.value]: Number(value.value) };
    if (model.value) body.model = model.value;
    post('api/admin/budgets', body).then(() => { form.reset(); return load(); }, fail);
  });
  root.append(h('h2', {}, t('budgets.new')), form);
  await load();
}

const amount = (decimal, currency) => h('td', { class: 'num', 'data-micros': toMicros(decimal) }, money(toMicros(decimal), currency));
