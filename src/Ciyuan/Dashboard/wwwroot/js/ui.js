// Small DOM helpers: elements, tables, bars, sparklines and charts. No framework.
import { t, num, money } from './i18n.js';

/** h('td', { class: 'num' }, 'text', child…): an element with attributes and children. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** A labelled field: <label>text <input|select></label>. */
export function field(label, control) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  return h('label', { for: id }, label, control);
}

export function select(name, options, value) {
  return h('select', { name }, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
}

/** A table with a caption, headers and rows; a row is an array of cells (string, node, or { v, num, attrs }). */
export function table(caption, headers, rows, { id, sortable = false } = {}) {
  const body = h('tbody');
  const head = h('tr', {}, headers.map((header, index) => {
    const numeric = typeof header === 'object' && header.num;
    const text = typeof header === 'object' ? header.text : header;
    const th = h('th', { scope: 'col', class: numeric ? 'num' : null }, sortable && text ? h('button', { class: 'sort', type: 'button', onclick: () => sortBy(index, numeric) }, text) : text);
    return th;
  }));
  let direction = 1;
  let current = [...rows];
  function sortBy(index, numeric) {
    direction = -direction;
    current.sort((a, b) => {
      const x = sortValue(a[index]); const y = sortValue(b[index]);
      return (numeric ? (Number(x) - Number(y)) : String(x).localeCompare(String(y))) * direction;
    });
    render();
  }
  function render() {
    body.replaceChildren(...(current.length ? current.map(row => row instanceof Node ? row : h('tr', {}, row.map(cell))) : [h('tr', {}, h('td', { colspan: headers.length, class: 'muted' }, t('none')))]));
  }
  render();
  return h('div', { class: 'table-wrap' }, h('table', { id }, h('caption', {}, caption), h('thead', {}, head), body));
}

function sortValue(cell) {
  if (cell && typeof cell === 'object' && !(cell instanceof Node)) return cell.sort ?? cell.v;
  return cell instanceof Node ? cell.textContent : cell;
}

function cell(value) {
  if (value instanceof Node) return h('td', {}, value);
  if (value && typeof value === 'object') return h('td', { class: value.num ? 'num' : null, ...(value.attrs || {}) }, value.v instanceof Node ? value.v : value.v ?? '–');
  return h('td', {}, value ?? '–');
}

/** A number cell whose exact value is kept in data-value (the tests read figures from there). */
export const n = (value, digits = 0) => ({ v: num(value, digits), num: true, sort: value, attrs: { 'data-value': value } });

/** A money cell per currency entry list [{currency, micros}], exact micros in data-micros. */
export function moneyList(entries) {
  if (!entries || entries.length === 0) return h('span', { 'data-micros': '' }, '–');
  return h('span', {}, entries.map((e, i) => [i > 0 ? ' + ' : '', h('span', { 'data-micros': e.micros, 'data-currency': e.currency }, money(e.micros, e.currency))]));
}

export const m = (entries) => ({ v: moneyList(entries), num: true, sort: (entries || []).reduce((s, e) => s + e.micros, 0) });

/** Spent and held as a bar against a limit. */
export function bar(spentMicros, heldMicros, limitMicros) {
  const spent = h('span', { class: 'spent' });
  const held = h('span', { class: 'held' });
  const total = Math.max(limitMicros, 1);
  spent.style.width = `${Math.min(100, (spentMicros / total) * 100)}%`;
  held.style.left = spent.style.width;
  held.style.width = `${Math.min(100, (heldMicros / total) * 100)}%`;
  return h('div', { class: 'bar', role: 'img', 'aria-label': `${Math.round((spentMicros / total) * 100)}%` }, spent, held);
}

/** A sparkline as an inline SVG polyline. */
export function sparkline(values, label) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 100 30');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? 100 / (values.length - 1) : 100;
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  line.setAttribute('points', values.map((v, i) => `${(i * step).toFixed(2)},${(28 - (v / max) * 26).toFixed(2)}`).join(' '));
  svg.append(line);
  return svg;
}

const palette = ['#3b6fd8', '#c0392b', '#27ae60', '#e0a030', '#8e44ad', '#16a085', '#d35400', '#2c3e50', '#7f8c8d', '#f06292'];

/** A stacked area chart (uPlot) of named series over time points; each band's own value shows in the legend. */
export function stackedChart(container, points, series, format) {
  container.replaceChildren();
  if (!window.uPlot || series.length === 0) return null;
  const xs = points.map(p => Date.parse(p) / 1000);
  const tops = [];
  let running = xs.map(() => 0);
  for (const s of series) {
    running = running.map((v, i) => v + (s.values[i] || 0));
    tops.push(running);
  }
  // Drawn from the top band down, so each lower band paints over the one above it.
  const order = series.map((_, i) => i).reverse();
  const options = {
    width: Math.max(280, container.clientWidth || 800),
    height: 300,
    series: [{}, ...order.map(i => ({
      label: series[i].label,
      stroke: palette[i % palette.length],
      fill: palette[i % palette.length] + '55',
      value: (u, v, si, idx) => (idx == null ? '' : format(series[i].values[idx] || 0)),
    }))],
    axes: [{}, { values: (u, ticks) => ticks.map(format), size: 80 }],
  };
  const plot = new window.uPlot(options, [xs, ...order.map(i => tops[i])], container);
  // The page is built before it is shown; size the chart to its box once it has one, and on every resize.
  new ResizeObserver(() => {
    if (container.clientWidth > 0) plot.setSize({ width: container.clientWidth - 32, height: 300 });
  }).observe(container);
  return plot;
}
