// The operator page: live figures and charts of the last hour per event, the sell-out forecast, queue controls,
// queue settings (current values beside their fields), new events, the audit trail.
// Sign-in trades the password for a session token (POST /api/operator/sessions); the token lives in this module's
// memory only (never in storage or a cookie, so no other page can make the browser send it) and goes out as
// Authorization: Bearer. Reloading the page forgets it; "Sign out" ends it on the server too.
import { api, h, $, showError, clearError, busy, count, dateTime, announce, ApiError } from '../common.js';
import { lineChart } from './charts.js';

const REFRESH_MS = 2000;
const EVENTS_EVERY = 5; // re-read the event list every 5th refresh (10 s) to pick up events created elsewhere
const AUDIT_ROWS = 20;
const HISTORY_EVERY = 5; // the sampled history (one sample per 10 s on the server) is re-read every 10 s
const HISTORY_MINUTES = 60;
const MIN_AXIS_MINUTES = 5; // a young drop's charts span at least this, then grow to the hour
const LIVE_POINTS = 60; // figures polled since the last sample, drawn after it so the charts move every 2 s
const CHARTS = [
  { key: 'waiting', title: 'Waiting', color: '#3346c7' },
  { key: 'admittedPerMinute', title: 'Admitted / min', color: '#17794a' },
  { key: 'held', title: 'Held', color: '#c77d0a' },
  { key: 'sold', title: 'Sold', color: '#8a3fc7' },
];

const STATUS_LABEL = { PRE_QUEUE: 'Not open yet', OPEN: 'Open', PAUSED: 'Paused', CLOSED: 'Closed' };
const ACTIONS = [
  { action: 'open', label: 'Open', allowed: ['PRE_QUEUE'] },
  { action: 'pause', label: 'Pause', allowed: ['OPEN'] },
  { action: 'resume', label: 'Resume', allowed: ['PAUSED'] },
  { action: 'close', label: 'Close', allowed: ['PRE_QUEUE', 'OPEN', 'PAUSED'], danger: true },
];

let credentials = null;     // {user, role, auth}
let events = [];
const cards = new Map();    // eventId -> {root, refs...}
const knownSettings = new Map(); // eventId -> {ratePerMinute, batchSize, activeCap}, as last answered by the API
let timer = null;
let ticks = 0;
let refreshing = false;

const announcer = () => $('#announcer');
const op = (path, options = {}) => api(`/api/operator${path}`, { ...options, auth: credentials.auth, service: 'the operator API' });

$('#login-form').addEventListener('submit', signIn);
$('#sign-out').addEventListener('click', () => {
  // End the session on the server too; the page forgets it either way.
  if (credentials) op('/sessions', { method: 'DELETE' }).catch(() => {});
  signOut('Signed out.');
});
$('#add-category').addEventListener('click', () => addCategoryRow(true));
$('#create-form').addEventListener('submit', createEvent);
addCategoryRow(false);
$('#op-user').focus();

// ---- sign-in ----
async function signIn(ev) {
  ev.preventDefault();
  const form = ev.currentTarget;
  clearError($('#login-error'), form);
  const user = $('#op-user').value.trim();
  const password = $('#op-password').value;
  try {
    await busy(form, 'Checking…', async () => {
      const session = await api('/api/operator/sessions', { method: 'POST', body: { username: user, password },
        service: 'the operator API' });
      credentials = { user: session.username, role: session.role, auth: `Bearer ${session.token}` };
      events = await api('/api/events', { service: 'the event list' });
    });
  } catch (err) {
    credentials = null;
    showError($('#login-error'), err.status === 401 ? new Error('Wrong username or password.') : err, form);
    return;
  }
  $('#op-password').value = '';
  $('#login').hidden = true;
  $('#console').hidden = false;
  $('#who').hidden = false;
  $('#who-name').textContent = credentials.user;
  $('#who-role').textContent = credentials.role;
  // Only admins create events; the API refuses others anyway (403), this just spares them a form they cannot use.
  $('#create-section').hidden = credentials.role !== 'admin';
  $('#create-link').hidden = credentials.role !== 'admin';
  announce(announcer(), `Signed in as ${credentials.user} (${credentials.role}).`);
  renderEvents();
  refresh();
  timer = setInterval(refresh, REFRESH_MS);
}

function signOut(message) {
  clearInterval(timer);
  timer = null;
  credentials = null;
  cards.clear();
  $('#event-list').replaceChildren();
  $('#audit-list').replaceChildren();
  $('#console').hidden = true;
  $('#who').hidden = true;
  $('#login').hidden = false;
  if (message) announce(announcer(), message);
  $('#op-user').focus();
}

function rejected(err) {
  if (err instanceof ApiError && err.status === 401) {
    signOut('Your operator session has ended. Sign in again.');
    return true;
  }
  return false;
}

// ---- events and live figures ----
async function refresh() {
  if (!credentials || refreshing) return;
  refreshing = true;
  try {
    if (ticks++ % EVENTS_EVERY === 0) {
      events = await api('/api/events', { service: 'the event list' });
      renderEvents();
      await refreshAudit();
    }
    const withHistory = (ticks - 1) % HISTORY_EVERY === 0;
    await Promise.all(events.map(async (e) => {
      const card = cards.get(e.eventId);
      try {
        const path = `/events/${encodeURIComponent(e.eventId)}`;
        // The charts are an extra: a failed history read leaves the figures and controls working.
        const [f, history] = await Promise.all([op(`${path}/figures`),
          withHistory || !card.history ? op(`${path}/history?minutes=${HISTORY_MINUTES}`).catch((err) => {
            if (err instanceof ApiError && err.status === 401) throw err;
            card.forecast.textContent = `The last hour could not be read: ${err.message}`;
            return null;
          }) : null]);
        clearError(card.figuresError);
        if (history) updateHistory(card, history);
        updateFigures(card, f);
      } catch (err) {
        if (!rejected(err)) showError(card.figuresError, err);
      }
    }));
    clearError($('#events-error'));
    $('#refreshed').textContent = `Live figures refresh every 2 seconds · last ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    if (!rejected(err)) showError($('#events-error'), err);
  } finally {
    refreshing = false;
  }
}

// ---- the audit trail: who changed what, newest first ----
async function refreshAudit() {
  try {
    const page = await op(`/audit?limit=${AUDIT_ROWS}`);
    clearError($('#audit-error'));
    renderAudit(page.entries);
  } catch (err) {
    if (!rejected(err)) showError($('#audit-error'), err);
  }
}

function renderAudit(entries) {
  const list = $('#audit-list');
  if (!entries.length) {
    list.replaceChildren(h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'No changes yet.')));
    return;
  }
  list.replaceChildren(...entries.map((e) => h('tr', {},
    h('td', {}, new Date(e.at).toLocaleString()),
    h('td', {}, e.operator),
    h('td', {}, h('code', {}, e.action)),
    h('td', {}, h('code', {}, e.target)),
    h('td', { class: 'small' }, `${brief(e.before)} → ${brief(e.after)}`))));
}

function brief(value) {
  if (value === null || value === undefined) return '—';
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

function renderEvents() {
  const list = $('#event-list');
  if (!events.length) {
    list.replaceChildren(h('p', { class: 'card empty' }, 'No events yet. Create one below.'));
    cards.clear();
    return;
  }
  // Cards are built once and updated in place, so a refresh never steals focus from a form field.
  const wanted = new Set(events.map((e) => e.eventId));
  for (const id of [...cards.keys()]) if (!wanted.has(id)) cards.delete(id);
  const roots = events.map((e) => {
    if (!cards.has(e.eventId)) cards.set(e.eventId, buildCard(e));
    return cards.get(e.eventId).root;
  });
  // Touch the list only when it changed: re-inserting a card would take the focus out of its form.
  const same = roots.length === list.children.length && roots.every((r, i) => list.children[i] === r);
  if (!same) list.replaceChildren(...roots);
}

function stat(label) {
  const dd = h('dd', {}, '—');
  return { el: h('div', {}, h('dt', {}, label), dd), dd };
}

function buildCard(e) {
  const badge = h('span', { class: 'badge' }, '…');
  const stats = Object.fromEntries(['Joined', 'Not signed in', 'Waiting', 'Admitted', 'Shopping now', 'Yet to hold', 'Admitted / min',
    'Capacity', 'Available', 'Held', 'Sold']
    .map((k) => [k, stat(k)]));
  const sold = h('span', { class: 'sold' });
  const held = h('span', { class: 'held' });
  const figuresError = h('div', { class: 'alert', role: 'alert', hidden: true });
  const actionError = h('div', { class: 'alert', role: 'alert', hidden: true });
  const buttons = ACTIONS.map((a) => h('button', {
    type: 'button', class: `btn small ${a.danger ? 'danger' : 'secondary'}`, disabled: true,
    onclick: () => queueAction(e, a.action),
  }, a.label));
  const current = h('p', { class: 'hint', style: 'margin:0 0 10px' });
  const rateId = `rate-${e.eventId}`;
  const batchId = `batch-${e.eventId}`;
  const capId = `cap-${e.eventId}`;
  // The value in force, beside each field (the field itself keeps what the operator is typing).
  const nowValue = (id) => h('span', { class: 'now-value', id: `${id}-now` }, 'now —');
  const nowRate = nowValue(rateId);
  const nowBatch = nowValue(batchId);
  const nowCap = nowValue(capId);
  const nowStatus = h('span', { class: 'now-value now-status' }, 'now —');
  const charts = Object.fromEntries(CHARTS.map((c) => [c.key, lineChart(c.title, c.color)]));
  const forecast = h('p', { class: 'forecast', role: 'status' }, 'Sell-out forecast: waiting for figures…');
  const settingsForm = h('form', { novalidate: true, 'aria-label': `Queue settings for ${e.name}` },
    h('h4', { style: 'margin:18px 0 4px' }, 'Admission settings'),
    current,
    h('div', { class: 'row' },
      h('div', { class: 'field' }, h('label', { for: rateId }, 'Fans per minute'),
        h('div', { class: 'with-now' },
          h('input', { id: rateId, name: 'ratePerMinute', type: 'number', min: 1, max: 1000000, required: true,
            'aria-describedby': `${rateId}-now` }), nowRate)),
      h('div', { class: 'field' }, h('label', { for: batchId }, 'Batch size'),
        h('div', { class: 'with-now' },
          h('input', { id: batchId, name: 'batchSize', type: 'number', min: 1, max: 10000, required: true,
            'aria-describedby': `${batchId}-now` }), nowBatch)),
      h('div', { class: 'field' }, h('label', { for: capId }, 'Shopper cap'),
        h('div', { class: 'with-now' },
          h('input', { id: capId, name: 'activeCap', type: 'number', min: 0, max: 10000000,
            'aria-describedby': `${capId}-now ${capId}-hint` }), nowCap),
        h('span', { class: 'hint', id: `${capId}-hint` }, 'Most shopping at once; 0 = none.'))),
    h('button', { type: 'submit', class: 'btn small' }, 'Apply'));
  const card = {
    root: h('article', { class: 'card', 'aria-labelledby': `t-${e.eventId}` },
      h('div', { class: 'card-head' },
        h('div', {},
          h('h3', { id: `t-${e.eventId}` }, e.name),
          h('p', { class: 'muted small', style: 'margin:0' }, h('code', {}, e.eventId), ` · ${dateTime(e.startsAt)}`)),
        badge),
      figuresError,
      h('p', { class: 'group-label', id: `q-${e.eventId}` }, 'Queue'),
      h('dl', { class: 'stats three compact', 'aria-labelledby': `q-${e.eventId}` },
        ['Joined', 'Not signed in', 'Waiting', 'Admitted', 'Shopping now', 'Yet to hold', 'Admitted / min'].map((k) => stats[k].el)),
      h('p', { class: 'group-label', id: `s-${e.eventId}` }, 'Seats'),
      h('dl', { class: 'stats four compact', 'aria-labelledby': `s-${e.eventId}` },
        ['Capacity', 'Available', 'Held', 'Sold'].map((k) => stats[k].el)),
      h('div', { class: 'stockbar', 'aria-hidden': 'true' }, sold, held),
      h('p', { class: 'legend' },
        h('span', {}, h('i', { style: 'background:var(--primary)' }), 'sold'),
        h('span', {}, h('i', { style: 'background:#f0a92b' }), 'held'),
        h('span', {}, h('i', { style: 'background:var(--surface-2);outline:1px solid var(--border)' }), 'available')),
      h('p', { class: 'group-label', id: `h-${e.eventId}` }, 'Last hour'),
      h('div', { class: 'charts', role: 'group', 'aria-labelledby': `h-${e.eventId}` },
        CHARTS.map((c) => charts[c.key].root)),
      forecast,
      h('div', { class: 'controls-head' }, h('h4', { style: 'margin:16px 0 8px' }, 'Queue controls'), nowStatus),
      actionError,
      h('div', { class: 'actions', style: 'margin-top:0', role: 'group', 'aria-label': `Queue controls for ${e.name}` }, buttons),
      settingsForm),
    badge, stats, sold, held, figuresError, actionError, buttons, current, settingsForm, status: null, event: e,
    nowRate, nowBatch, nowCap, nowStatus, charts, forecast, history: null, live: [],
  };
  settingsForm.addEventListener('submit', (ev) => applySettings(ev, card));
  renderSettings(card);
  return card;
}

function updateFigures(card, f) {
  card.status = f.queueStatus;
  card.badge.className = `badge ${f.queueStatus}`;
  card.badge.textContent = STATUS_LABEL[f.queueStatus] || f.queueStatus;
  const values = { Joined: f.joined, 'Not signed in': f.unboundPlaces, Waiting: f.waiting, Admitted: f.admitted, 'Shopping now': f.activeShoppers, 'Yet to hold': f.shoppersYetToHold,
    'Admitted / min': f.measuredRatePerMinute, Capacity: f.capacity, Available: f.available, Held: f.held, Sold: f.sold };
  for (const [k, v] of Object.entries(values)) {
    card.stats[k].dd.textContent = v === undefined || v === null ? '—' : count(Math.round(v));
  }
  const cap = f.capacity || 1;
  card.sold.style.width = `${(f.sold / cap) * 100}%`;
  card.held.style.width = `${(f.held / cap) * 100}%`;
  ACTIONS.forEach((a, i) => { card.buttons[i].disabled = !a.allowed.includes(f.queueStatus); });
  card.nowStatus.textContent = `now ${STATUS_LABEL[f.queueStatus] || f.queueStatus}`;
  if (f.ratePerMinute !== undefined) {
    knownSettings.set(card.event.eventId, { ratePerMinute: f.ratePerMinute, batchSize: f.batchSize, activeCap: f.activeCap });
    renderSettings(card);
  }
  // The figures just read extend the charts past the last sample, until the next history read replaces them.
  const lastSample = card.history && card.history.length ? card.history.at(-1).t : 0;
  card.live = [...card.live.filter((p) => p.t > lastSample), { t: Date.now(), waiting: f.waiting,
    admittedPerMinute: f.measuredRatePerMinute, held: f.held, sold: f.sold }].slice(-LIVE_POINTS);
  drawCharts(card);
}

function updateHistory(card, history) {
  card.history = history.samples.map((s) => ({ t: Date.parse(s.at), waiting: s.waiting,
    admittedPerMinute: s.admittedPerMinute, held: s.held, sold: s.sold }));
  const lastSample = card.history.length ? card.history.at(-1).t : 0;
  card.live = card.live.filter((p) => p.t > lastSample);
  card.forecast.textContent = forecastText(history.forecast);
  card.forecast.className = `forecast ${history.forecast.outlook}`;
  drawCharts(card);
}

function drawCharts(card) {
  const points = [...(card.history || []), ...card.live];
  const to = Date.now();
  const oldest = points.length ? points[0].t : to;
  // The axis spans the figures there are (at least a few minutes), up to the last hour.
  const span = Math.min(HISTORY_MINUTES * 60000, Math.max(MIN_AXIS_MINUTES * 60000, to - oldest));
  for (const c of CHARTS) {
    card.charts[c.key].update(points.map((p) => ({ t: p.t, v: p[c.key] })), to - span, to);
  }
}

function forecastText(f) {
  const pace = `${f.soldPerMinute.toFixed(1)} sold and ${f.heldPerMinute >= 0 ? '+' : '−'}${Math.abs(f.heldPerMinute).toFixed(1)} held a minute over the last ${f.windowMinutes} min`;
  switch (f.outlook) {
    case 'SOLD_OUT': return 'Sell-out forecast: sold out — nothing left on sale.';
    case 'SELLING': {
      const at = new Date(f.sellsOutAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
      return `Sell-out forecast: sells out around ${at} (in ${waitMinutes(f.minutesLeft)}) — ${count(f.available)} left, ${pace}.`;
    }
    case 'NOT_SELLING': return `Sell-out forecast: not selling — ${count(f.available)} left, ${pace}.`;
    default: return 'Sell-out forecast: after a minute of figures.';
  }
}

function waitMinutes(minutes) {
  if (minutes < 1) return 'under a minute';
  if (minutes < 90) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  return hours < 48 ? `${hours.toFixed(1)} h` : `${Math.round(hours / 24)} days`;
}

function renderSettings(card) {
  const s = knownSettings.get(card.event.eventId);
  card.current.textContent = s
    ? `Now: ${count(s.ratePerMinute)} fans per minute, in batches of ${count(s.batchSize)}, ${
      s.activeCap ? `at most ${count(s.activeCap)} shopping at once` : 'no cap on shoppers'}.`
    : 'Reading the current settings…';
  if (s) {
    card.nowRate.textContent = `now ${count(s.ratePerMinute)}`;
    card.nowBatch.textContent = `now ${count(s.batchSize)}`;
    card.nowCap.textContent = s.activeCap ? `now ${count(s.activeCap)}` : 'now none';
    const [rate, batch, cap] = card.settingsForm.querySelectorAll('input');
    if (document.activeElement !== rate && !rate.value) rate.value = s.ratePerMinute;
    if (document.activeElement !== batch && !batch.value) batch.value = s.batchSize;
    if (document.activeElement !== cap && !cap.value) cap.value = s.activeCap;
  }
}

async function queueAction(e, action) {
  const card = cards.get(e.eventId);
  if (action === 'close' && !confirm(`Close the queue for ${e.name}? Nobody can join or be let in afterwards.`)) return;
  clearError(card.actionError);
  card.buttons.forEach((b) => { b.disabled = true; });
  try {
    const q = await op(`/events/${encodeURIComponent(e.eventId)}/queue/${action}`, { method: 'POST' });
    knownSettings.set(e.eventId, { ratePerMinute: q.ratePerMinute, batchSize: q.batchSize, activeCap: q.activeCap });
    renderSettings(card);
    announce(announcer(), `${e.name}: queue is now ${STATUS_LABEL[q.status] || q.status}.`);
    refreshAudit();
  } catch (err) {
    if (!rejected(err)) showError(card.actionError, err);
  } finally {
    refresh();
  }
}

async function applySettings(ev, card) {
  ev.preventDefault();
  const form = ev.currentTarget;
  clearError(card.actionError, form);
  const [rate, batch, cap] = form.querySelectorAll('input');
  const body = { ratePerMinute: Number(rate.value), batchSize: Number(batch.value) };
  if (cap.value.trim()) body.activeCap = Number(cap.value);
  if (!rate.value || !batch.value) {
    showError(card.actionError, new Error('Give both the fans per minute and the batch size.'));
    return;
  }
  try {
    const q = await busy(form, 'Applying…', () => op(`/events/${encodeURIComponent(card.event.eventId)}/queue/settings`,
      { method: 'PUT', body }));
    knownSettings.set(card.event.eventId, { ratePerMinute: q.ratePerMinute, batchSize: q.batchSize, activeCap: q.activeCap });
    renderSettings(card);
    refreshAudit();
    announce(announcer(), `${card.event.name}: ${count(q.ratePerMinute)} fans per minute, batches of ${count(q.batchSize)}, ${
      q.activeCap ? `at most ${count(q.activeCap)} shopping at once` : 'no cap on shoppers'}.`);
  } catch (err) {
    if (!rejected(err)) showError(card.actionError, err, form);
  }
}

// ---- creating an event ----
function addCategoryRow(focus) {
  const box = $('#categories');
  const n = box.children.length;
  const id = (k) => `cat-${n}-${k}`;
  const field = (k, label, attrs) => h('div', { class: 'field' }, h('label', { for: id(k) }, label),
    h('input', { id: id(k), name: k, 'data-field': `categories[${n}].${k}`, required: true, ...attrs }));
  const row = h('fieldset', { class: 'category' },
    h('legend', {}, `Category ${n + 1}`),
    h('div', { class: 'row' },
      field('categoryId', 'Category id', { placeholder: 'standing', autocapitalize: 'none', spellcheck: 'false' }),
      field('name', 'Name', { placeholder: 'Standing', maxlength: 200 })),
    h('div', { class: 'row' },
      field('capacity', 'Capacity', { type: 'number', min: 0 }),
      field('price', 'Price', { type: 'number', min: '0.01', step: '0.01', inputmode: 'decimal', 'data-field': `categories[${n}].priceMinor` }),
      field('currency', 'Currency', { value: 'EUR', maxlength: 3, autocapitalize: 'characters' })),
    n > 0 ? h('div', { class: 'actions', style: 'margin:0 0 10px' },
      h('button', { type: 'button', class: 'btn danger small', onclick: () => { row.remove(); renumber(); } },
        `Remove category ${n + 1}`)) : null);
  box.append(row);
  if (focus) row.querySelector('input').focus();
}

function renumber() {
  // Keep legends, ids and error field names in step with the rows that are left.
  [...$('#categories').children].forEach((row, i) => {
    row.querySelector('legend').textContent = `Category ${i + 1}`;
    row.querySelectorAll('input').forEach((input) => {
      const k = input.name;
      input.id = `cat-${i}-${k}`;
      input.previousElementSibling.setAttribute('for', input.id);
      input.dataset.field = `categories[${i}].${k === 'price' ? 'priceMinor' : k}`;
    });
    const remove = row.querySelector('.actions button');
    if (remove) remove.textContent = `Remove category ${i + 1}`;
  });
}

function minorUnits(amount, currency) {
  let digits = 2;
  try { digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits; } catch { /* 2 */ }
  return Math.round(Number(amount) * 10 ** digits);
}

async function createEvent(ev) {
  ev.preventDefault();
  const form = ev.currentTarget;
  const errorBox = $('#create-error');
  clearError(errorBox, form);
  const value = (sel) => $(sel).value.trim();
  const startsAt = new Date(value('#c-starts'));
  if (Number.isNaN(startsAt.getTime())) {
    $('#c-starts').setAttribute('aria-invalid', 'true');
    showError(errorBox, new Error('startsAt: pick a date and time.'));
    return;
  }
  const rate = value('#c-rate');
  const batch = value('#c-batch');
  if (!!rate !== !!batch) {
    showError(errorBox, new Error('Queue: give both the fans per minute and the batch size, or neither.'));
    return;
  }
  const body = {
    eventId: value('#c-id'),
    name: value('#c-name'),
    startsAt: startsAt.toISOString(),
    maxPerFan: Number(value('#c-max')),
    holdTtlSeconds: Number(value('#c-ttl')),
    categories: [...$('#categories').children].map((row) => {
      const v = (k) => row.querySelector(`[name="${k}"]`).value.trim();
      const currency = v('currency').toUpperCase();
      return { categoryId: v('categoryId'), name: v('name'), capacity: Number(v('capacity')),
        priceMinor: minorUnits(v('price'), currency), currency };
    }),
  };
  if (rate) body.queue = { ratePerMinute: Number(rate), batchSize: Number(batch) };
  try {
    const created = await busy(form, 'Creating…', () => op('/events', { method: 'POST', body }));
    if (created.queue) {
      knownSettings.set(created.eventId, { ratePerMinute: created.queue.ratePerMinute, batchSize: created.queue.batchSize,
        activeCap: created.queue.activeCap });
    }
    form.reset();
    $('#categories').replaceChildren();
    addCategoryRow(false);
    announce(announcer(), `Event ${created.eventId} created. Its queue is not open yet: press Open when you are ready.`);
    events = await api('/api/events', { service: 'the event list' });
    renderEvents();
    refresh();
    const card = cards.get(created.eventId);
    if (card) card.root.scrollIntoView({ behavior: 'smooth', block: 'center' });
  } catch (err) {
    if (!rejected(err)) {
      showError(errorBox, err, form);
      errorBox.scrollIntoView({ block: 'center' });
    }
  }
}
