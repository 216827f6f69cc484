// Small live line charts for the operator page, drawn as inline SVG (no library): one series, a time axis from
// `from` to `to`, a value axis from 0 to just above the largest value. The SVG stretches to its box; strokes keep
// their width (vector-effect), so it reads the same on a phone and a desktop.
import { h, count } from '../common.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 300;   // viewBox units; the SVG is scaled to the card's width
const HEIGHT = 80;
const PAD_TOP = 6;

function svg(tag, attrs = {}) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

/** A chart titled `title`; `format` turns a value into text (count by default). */
export function lineChart(title, color, format = (v) => count(Math.round(v))) {
  const now = h('span', { class: 'chart-now' }, '—');
  const top = h('span', { class: 'chart-axis chart-max' }, '');
  const since = h('span', { class: 'chart-axis' }, '');
  const area = svg('path', { class: 'chart-area', fill: color, 'fill-opacity': '0.12', stroke: 'none' });
  const line = svg('polyline', { class: 'chart-line', fill: 'none', stroke: color, 'stroke-width': '2',
    'vector-effect': 'non-scaling-stroke', 'stroke-linejoin': 'round', points: '' });
  // The latest point, as an HTML dot over the plot: inside the stretched SVG a circle would turn into an ellipse.
  const dot = h('span', { class: 'chart-dot', hidden: true, style: `background:${color}` });
  const base = svg('line', { x1: 0, x2: WIDTH, y1: HEIGHT, y2: HEIGHT, stroke: 'currentColor', 'stroke-opacity': '0.25',
    'vector-effect': 'non-scaling-stroke' });
  const plot = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, preserveAspectRatio: 'none', role: 'img',
    class: 'chart-plot', 'data-points': '0' });
  const label = svg('title');
  plot.append(label, base, area, line);
  const root = h('figure', { class: 'chart' },
    h('figcaption', {}, h('span', {}, title), now),
    h('div', { class: 'chart-box' }, top, plot, dot),
    h('div', { class: 'chart-foot', 'aria-hidden': 'true' }, since, h('span', { class: 'chart-axis' }, 'now')));

  /** points: [{t: epoch ms, v: number}] oldest first; draws those within [from, to]. */
  function update(points, from, to) {
    const shown = points.filter((p) => p.t >= from && p.t <= to && Number.isFinite(p.v));
    const max = Math.max(1, ...shown.map((p) => p.v)) * 1.1;
    const x = (t) => ((t - from) / Math.max(1, to - from)) * WIDTH;
    const y = (v) => HEIGHT - (v / max) * (HEIGHT - PAD_TOP);
    const xy = shown.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`);
    line.setAttribute('points', xy.join(' '));
    area.setAttribute('d', shown.length > 1
      ? `M${x(shown[0].t).toFixed(1)},${HEIGHT} L${xy.join(' L')} L${x(shown.at(-1).t).toFixed(1)},${HEIGHT} Z` : '');
    plot.dataset.points = String(shown.length);
    const minutes = Math.max(1, Math.round((to - from) / 60000));
    since.textContent = `−${minutes} min`;
    top.textContent = shown.length ? format(max / 1.1) : '';
    if (shown.length) {
      const last = shown.at(-1);
      now.textContent = format(last.v);
      dot.style.left = `${((x(last.t) / WIDTH) * 100).toFixed(2)}%`;
      dot.style.top = `${((y(last.v) / HEIGHT) * 100).toFixed(2)}%`;
      dot.hidden = false;
      const low = Math.min(...shown.map((p) => p.v));
      label.textContent = `${title} over the last ${minutes} minutes: between ${format(low)} and ${format(max / 1.1)}, now ${format(last.v)}.`;
    } else {
      now.textContent = '—';
      dot.hidden = true;
      label.textContent = `${title}: no figures yet.`;
    }
    plot.setAttribute('aria-label', label.textContent);
  }

  return { root, update };
}
