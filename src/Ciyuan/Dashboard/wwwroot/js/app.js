// The dashboard shell: sign-in, navigation by #/page, language and theme, and the live event stream.
import { t, translate, setLanguage, language, setTimeZone } from './i18n.js';
import { get, post, del, setCsrf } from './api.js';
import { h } from './ui.js';

const pages = {
  overview: () => import('./pages/overview.js'),
  share: () => import('./pages/share.js'),
  usage: () => import('./pages/usage.js'),
  elsewhere: () => import('./pages/elsewhere.js'),
  requests: () => import('./pages/requests.js'),
  runs: () => import('./pages/runs.js'),
  budgets: () => import('./pages/budgets.js'),
  keys: () => import('./pages/keys.js'),
  deployments: () => import('./pages/deployments.js'),
  'in-doubt': () => import('./pages/indoubt.js'),
  catalog: () => import('./pages/catalog.js'),
};

const state = { session: null, events: null, page: null, listeners: new Map() };

/** Pages subscribe to live events by name; the shell keeps one EventSource for all of them. */
export function onLive(name, handler) {
  state.listeners.set(name, handler);
}

function connectEvents() {
  state.events?.close();
  state.events = new EventSource('api/events');
  for (const name of ['overview', 'requests', 'deployments']) {
    state.events.addEventListener(name, (event) => state.listeners.get(name)?.(JSON.parse(event.data)));
  }
}

export const session = () => state.session;
export const canChange = () => state.session?.role === 'admin';

async function showPage() {
  const name = (location.hash.replace(/^#\/?/, '').split('?')[0]) || 'overview';
  const load = pages[name] || pages.overview;
  for (const link of document.querySelectorAll('#nav a')) {
    link.toggleAttribute('aria-current', link.getAttribute('href') === `#/${name}`);
    if (link.getAttribute('href') === `#/${name}`) link.setAttribute('aria-current', 'page');
  }
  state.listeners.clear();
  const container = document.getElementById('page');
  container.replaceChildren(h('p', { class: 'muted' }, t('loading')));
  try {
    const module = await load();
    const root = h('section', { 'aria-labelledby': 'page-title', dataset: { page: name } });
    await module.render(root);
    container.replaceChildren(root);
    translate(root);
  } catch (error) {
    container.replaceChildren(h('p', { class: 'error', role: 'alert' }, error.message));
  }
}

function signedIn(value) {
  state.session = value;
  setCsrf(value.csrf_token);
  setTimeZone(value.time_zone);
  document.getElementById('signin').hidden = true;
  document.getElementById('nav').hidden = false;
  document.getElementById('signout').hidden = false;
  document.getElementById('who').textContent = `${value.subject} · ${t(value.role)}`;
  document.body.dataset.role = value.role;
  connectEvents();
  showPage();
}

function signedOut() {
  state.session = null;
  state.events?.close();
  setCsrf('');
  document.getElementById('signin').hidden = false;
  document.getElementById('nav').hidden = true;
  document.getElementById('signout').hidden = true;
  document.getElementById('who').textContent = '';
  document.getElementById('page').replaceChildren();
  delete document.body.dataset.role;
  document.getElementById('secret').focus();
}

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  localStorage.setItem('ciyuan.theme', theme);
}

async function start() {
  const lang = document.getElementById('lang');
  lang.value = language();
  setLanguage(language());
  lang.addEventListener('change', () => { setLanguage(lang.value); if (state.session) { document.getElementById('who').textContent = `${state.session.subject} · ${t(state.session.role)}`; showPage(); } });

  applyTheme(localStorage.getItem('ciyuan.theme') || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
  document.getElementById('theme').addEventListener('click', () => applyTheme(document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark'));

  document.getElementById('signin-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = document.getElementById('secret');
    const error = document.getElementById('signin-error');
    error.textContent = '';
    try {
      const value = await post('api/session', { secret: input.value });
      input.value = '';
      signedIn(value);
    } catch (e) {
      input.value = '';
      error.textContent = `${t('signin.failed')}: ${e.message}`;
    }
  });
  document.getElementById('signout').addEventListener('click', async () => {
    try { await del('api/session'); } finally { signedOut(); }
  });
  window.addEventListener('ciyuan:signed-out', () => { if (state.session) signedOut(); });
  window.addEventListener('hashchange', () => { if (state.session) showPage(); });

  try {
    signedIn(await get('api/session'));
  } catch {
    signedOut();
  }
}

start();
