// The fan page: events, sign-up/sign-in, the queue, seats, checkout through the provider SIMULATOR, the order.
import {
  api, h, $, showError, clearError, busy, money, count, dateTime, clock, waitText, timeLeft, randomKey, announce, ApiError,
} from './common.js';

const QUEUE_POLL_MS = 2000;   // until the server advises an interval (status.pollAfterMillis)
const LIVE_RETRY_MS = [1000, 3000, 10000, 30000];   // waits before reopening the stream after 0, 1, 2, 3+ failures
const FINAL_STATES = ['CLOSED', 'ADMISSION_EXPIRED'];
const ORDER_POLL_MS = 1500;

const STATE_TEXT = {
  PRE_QUEUE: 'The queue has not opened yet. Everyone who joins before it opens gets a random place when it opens: '
    + 'keep this page open.',
  WAITING: 'You are in line. Keep this page open: we let you in automatically when it is your turn.',
  PAUSED: 'The organiser has paused the queue. You keep your place.',
  SOLD_OUT: 'Everything is sold or held right now. If seats come back, the queue moves again: you keep your place.',
  ADMITTED: 'It is your turn! Choose your seats.',
  AWAITING_SIGN_IN: 'It is your turn! Sign in or create an account now to keep it: you need one to buy.',
  ADMISSION_EXPIRED: 'Your turn to buy has passed.',
  CLOSED: 'This queue is closed.',
};
const STATE_LABEL = {
  PRE_QUEUE: 'Not open yet', WAITING: 'Waiting', PAUSED: 'Paused', SOLD_OUT: 'Sold out', ADMITTED: 'Your turn',
  AWAITING_SIGN_IN: 'Sign in now',
  ADMISSION_EXPIRED: 'Turn expired', CLOSED: 'Closed',
};
const ORDER_LABEL = { AWAITING_PAYMENT: 'Processing', PAID: 'Paid', PAYMENT_FAILED: 'Payment failed', EXPIRED: 'Expired' };

// ---- state (fan session and the current journey survive a reload in sessionStorage; cards never do) ----
let config = null;
let events = [];
let fan = load('floodgate.fan');
let flow = load('floodgate.flow');
let event = null;          // the journey's event, fresh from the API
let admission = null;      // {token, expiresAt} while ADMITTED
let lastState = null;
let lastStatus = null;    // the last queue status, to re-word the queue card when the journey moves on
let pendingJoin = null;    // event id to join right after signing in
let queueTimer = null;      // the next poll, while polling (far from the front, or while the stream is not delivering)
let polling = false;        // whether polling is on (off while the live stream delivers)
let live = null;            // the EventSource of the live status stream, while open
let liveGen = 0;            // bumped whenever the stream is stopped, so late tickets and events of an old one are dropped
let liveRetryTimer = null;
let liveFailures = 0;       // stream attempts in a row that ended without delivering anything
let streaming = false;      // the stream delivered a status and is still open: polling is off
let orderTimer = null;
let countdownTimer = null;
let authMode = 'in';
let renewTimer = null;      // the planned renewal of the fan token
let renewing = null;        // the renewal in flight: every caller waits for this one (a refresh token works once)

function load(key) {
  try { return JSON.parse(sessionStorage.getItem(key)); } catch { return null; }
}
function save(key, value) {
  if (value === null) sessionStorage.removeItem(key); else sessionStorage.setItem(key, JSON.stringify(value));
}
const saveFlow = () => save('floodgate.flow', flow);
const bearer = (token) => `Bearer ${token}`;
const announcer = () => $('#announcer');

// ---- start ----
init();

async function init() {
  // A stored session renews while its refresh token lives; one from before refresh tokens cannot.
  if (fan && (!fan.refreshToken || Date.parse(fan.refreshExpiresAt) <= Date.now())) {
    signOut('Your session has ended. Please sign in again.');
  }
  wireAuth();
  wireJourney();
  $('#refresh-events').addEventListener('click', loadEvents);
  renderWho();
  try {
    config = await api('/api/config');
    $('#provider-url').textContent = config.providerUrl;
  } catch (err) {
    showError($('#events-error'), err);
  }
  if (fan && (fan.endsAt || 0) <= Date.now()) {
    try { await renew(); } catch (err) { sessionEnded(err); }
  }
  if (fan) planRenewal();
  // A sleeping tab's timers run late: on coming back, renew at once if the planned moment has passed.
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && fan && Date.now() >= (fan.renewAt || 0)) renewOnSchedule();
  });
  await loadEvents();
  if (flow && (fan || flow.placeToken)) resumeJourney();
  renderAuth();
  setInterval(() => { if (!flow) loadEvents(true); }, 15000);
}

// ---- events ----
async function loadEvents(quiet) {
  const list = $('#event-list');
  list.setAttribute('aria-busy', 'true');
  try {
    events = await api('/api/events');
    clearError($('#events-error'));
    renderEvents();
  } catch (err) {
    if (!quiet) showError($('#events-error'), err);
  } finally {
    list.setAttribute('aria-busy', 'false');
  }
}

function renderEvents() {
  const list = $('#event-list');
  if (!events.length) {
    list.replaceChildren(h('p', { class: 'card empty' }, 'No ticket drops right now. Check back soon.'));
    return;
  }
  list.replaceChildren(...events.map((e) => {
    const soldOut = e.categories.every((c) => c.available === 0);
    return h('article', { class: 'card event', 'aria-labelledby': `ev-${e.eventId}` },
      h('h3', { id: `ev-${e.eventId}` }, e.name),
      h('p', { class: 'muted small', style: 'margin:0' }, dateTime(e.startsAt), ` · up to ${e.maxPerFan} per fan`),
      h('ul', { class: 'cats', 'aria-label': `Tickets for ${e.name}` }, e.categories.map((c) => h('li', {},
        h('span', {}, c.name, h('br'), h('span', { class: 'price' }, money(c.priceMinor, c.currency))),
        c.available > 0
          ? h('span', { class: 'small muted' }, `${count(c.available)} of ${count(c.capacity)} left`)
          : h('span', { class: 'badge soldout' }, 'Sold out')))),
      h('div', { class: 'actions' },
        h('button', {
          type: 'button', class: 'btn block', disabled: soldOut,
          onclick: () => join(e.eventId),
        }, soldOut ? 'Sold out' : fan ? 'Join the queue' : 'Sign in to join'),
        // Queue first: a visitor takes a place at once and signs in while waiting (nothing to type at the rush).
        fan || soldOut ? null : h('button', {
          type: 'button', class: 'btn secondary block', onclick: () => joinAnonymously(e.eventId),
        }, 'Join now, sign in while you wait')));
  }));
}

// ---- sign up / sign in ----
function wireAuth() {
  $('#auth-switch').addEventListener('click', () => setAuthMode(authMode === 'in' ? 'up' : 'in'));
  $('#auth-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const form = ev.currentTarget;
    clearError($('#auth-error'), form);
    const email = $('#email').value.trim();
    const password = $('#password').value;
    const body = authMode === 'up'
      ? { email, password, displayName: $('#display-name').value.trim() }
      : { email, password };
    try {
      const session = await busy(form, authMode === 'up' ? 'Creating your account…' : 'Signing in…',
        () => api(authMode === 'up' ? '/api/fans' : '/api/sessions', { method: 'POST', body }));
      fan = { name: body.displayName || email, email };
      keepSession(session);
      $('#password').value = '';
      renderWho();
      renderAuth();
      renderEvents();
      announce(announcer(), `Signed in as ${fan.name}.`);
      if (flow && flow.placeToken) {
        await bindPlace();
      } else if (pendingJoin) {
        const id = pendingJoin;
        pendingJoin = null;
        join(id);
      }
    } catch (err) {
      showError($('#auth-error'), err, form);
    }
  });
  $('#sign-out').addEventListener('click', () => signOut('You are signed out.'));
  $('#sign-out-everywhere').addEventListener('click', signOutEverywhere);
}

// ---- the session: a short fan token, renewed with a refresh token that works once ----

/** Keeps a sign-in's or renewal's answer and plans the next renewal. */
function keepSession(session) {
  const received = Date.now();
  const lifetime = tokenLifetime(session);
  // A random moment in the last third of the token's life (a few seconds before its end at the latest): a crowd
  // that signed in at the same minute does not renew at the same second, least of all at the drop's opening.
  const renewIn = Math.min(lifetime * (2 / 3 + Math.random() / 3), Math.max(0, lifetime - 5000));
  Object.assign(fan, {
    token: session.token, fanId: session.fanId, expiresAt: session.expiresAt,
    refreshToken: session.refreshToken, refreshExpiresAt: session.refreshExpiresAt, renewAt: received + renewIn,
    endsAt: received + lifetime,
  });
  save('floodgate.fan', fan);
  planRenewal();
}

/**
 * How long the fan token lives, from its own iat and exp (the server's clock on both ends), so a device whose clock
 * is off neither renews in a loop nor too late. At least 30 s whatever the token says.
 */
function tokenLifetime(session) {
  let millis = NaN;
  try {
    const claims = JSON.parse(atob(session.token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    millis = (claims.exp - claims.iat) * 1000;
  } catch { /* not readable: fall back on the answer's expiresAt */ }
  if (!Number.isFinite(millis)) millis = Date.parse(session.expiresAt) - Date.now();
  return Number.isFinite(millis) ? Math.max(30000, millis) : 30000;
}

function planRenewal() {
  clearTimeout(renewTimer);
  if (!fan) return;
  renewTimer = setTimeout(renewOnSchedule, Math.max(0, (fan.renewAt || 0) - Date.now()));
}

/** The planned renewal. Unreachable or busy: try again shortly (the fan stays); refused: back to sign-in. */
async function renewOnSchedule() {
  try {
    await renew();
  } catch (err) {
    if (sessionEnded(err)) return;
    if (!fan) return;
    clearTimeout(renewTimer);
    renewTimer = setTimeout(renewOnSchedule, 5000 + Math.random() * 10000);
  }
}

/**
 * Swaps the refresh token for a new fan token and a new refresh token. Only one at a time: presenting the same
 * refresh token twice is how the server recognises a stolen one, and it then ends the session.
 */
function renew() {
  if (!fan) return Promise.reject(new ApiError(401, ['You are signed out.']));
  if (!renewing) {
    const presented = fan.refreshToken;
    renewing = api('/api/sessions/refresh', { method: 'POST', body: { refreshToken: presented }, service: 'the queue' })
      .then((session) => {
        if (fan && fan.refreshToken === presented) keepSession(session);
      })
      .finally(() => { renewing = null; });
  }
  return renewing;
}

/**
 * Calls an API with the fan token. A 401 renews the token once and retries (the token may have run out while the
 * tab slept); only when the renewal itself is refused does the 401 reach the caller, whose sessionEnded() then
 * sends the fan to sign-in.
 */
async function fanApi(url, options = {}) {
  const used = fan.token;
  try {
    return await api(url, { ...options, auth: bearer(used) });
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401) || !fan) throw err;
    if (fan.token === used) await renew();
    if (!fan) throw err;
    return api(url, { ...options, auth: bearer(fan.token) });
  }
}

/** Ends every session of this fan, on every device (their fan tokens run out within minutes), then this one. */
async function signOutEverywhere() {
  const button = $('#sign-out-everywhere');
  button.disabled = true;
  try {
    await fanApi('/api/sessions', { method: 'DELETE', service: 'the queue' });
    signOut('You are signed out on every device.');
  } catch (err) {
    if (sessionEnded(err)) return;
    showError($('#events-error'), err);
  } finally {
    button.disabled = false;
  }
}

function setAuthMode(mode) {
  authMode = mode;
  const up = mode === 'up';
  $('#name-field').hidden = !up;
  $('#display-name').required = up;
  $('#auth-title').textContent = up ? 'Create your account' : 'Sign in to join a queue';
  $('#auth-submit').textContent = up ? 'Create account' : 'Sign in';
  $('#auth-switch-text').textContent = up ? 'Already have an account?' : 'New here?';
  $('#auth-switch').textContent = up ? 'Sign in instead' : 'Create an account';
  $('#password').autocomplete = up ? 'new-password' : 'current-password';
  clearError($('#auth-error'), $('#auth-form'));
  (up ? $('#display-name') : $('#email')).focus();
}

function renderAuth() {
  $('#auth').hidden = !!fan;
}

function renderWho() {
  $('#who').hidden = !fan;
  $('#who-name').textContent = fan ? fan.name : '';
}

function signOut(message) {
  stopTimers();
  clearTimeout(renewTimer);
  fan = null;
  flow = null;
  admission = null;
  save('floodgate.fan', null);
  save('floodgate.flow', null);
  renderWho();
  $('#journey').hidden = true;
  $('#events').hidden = false;
  renderAuth();
  renderEvents();
  if (message) {
    $('#auth-lead').textContent = message;
    announce(announcer(), message);
  }
}

function sessionEnded(err) {
  if (err instanceof ApiError && err.status === 401) {
    signOut('Your session has ended. Please sign in again.');
    return true;
  }
  return false;
}

// ---- joining and the queue ----
async function join(eventId) {
  if (!fan) {
    pendingJoin = eventId;
    renderAuth();
    $('#auth-lead').textContent = `Sign in or create an account to join the queue for ${
      (events.find((e) => e.eventId === eventId) || {}).name || eventId}.`;
    $('#auth').scrollIntoView({ behavior: 'smooth', block: 'start' });
    $('#email').focus();
    return;
  }
  if (flow && flow.eventId !== eventId && (flow.hold || flow.orderId)
      && !confirm('You have seats or an order in progress for another event. Leave it?')) return;
  try {
    const status = await fanApi(`/api/events/${encodeURIComponent(eventId)}/queue`,
      { method: 'POST', service: 'the queue' });
    flow = flow && flow.eventId === eventId ? flow : { eventId, baselineAhead: status.fansAhead };
    saveFlow();
    await openJourney();
    applyStatus(status);
    announce(announcer(), `You joined the queue for ${event ? event.name : eventId}.`);
  } catch (err) {
    if (sessionEnded(err)) return;
    showError($('#events-error'), err);
    $('#events-error').scrollIntoView({ block: 'center' });
  }
}

/**
 * Queue first: a place without an account, at once. When the event asks for a proof of work, the page solves its
 * challenge first (a fraction of a second in a browser); the place token then reads the place until the fan signs in.
 */
async function joinAnonymously(eventId) {
  if (flow && flow.eventId !== eventId && (flow.hold || flow.orderId)
      && !confirm('You have seats or an order in progress for another event. Leave it?')) return;
  const path = `/api/events/${encodeURIComponent(eventId)}/queue`;
  try {
    const body = await proofOfWork(eventId);
    const status = await api(path, { method: 'POST', body, service: 'the queue' });
    flow = { eventId, baselineAhead: status.fansAhead, placeToken: status.placeToken };
    saveFlow();
    $('#auth-lead').textContent = 'You have a place in line. Sign in or create an account to keep it: you need one '
      + 'to buy.';
    renderAuth();
    await openJourney();
    applyStatus(status);
    announce(announcer(), `You have a place in the queue for ${event ? event.name : eventId}.`);
  } catch (err) {
    showError($('#events-error'), err);
    $('#events-error').scrollIntoView({ block: 'center' });
  }
}

/** The body of an anonymous join: the event's challenge solved, or nothing when it asks for none. */
async function proofOfWork(eventId) {
  const challenge = await api(`/api/events/${encodeURIComponent(eventId)}/queue/challenge`,
    { method: 'POST', service: 'the queue' });
  if (!challenge.difficultyBits) return undefined;
  const { solveChallenge } = await import('./pow.js');
  const nonce = await solveChallenge(challenge);
  return { challenge: challenge.challenge, nonce };
}

/** Signed in while waiting: the place becomes the fan's (the earlier place is kept if they had one already). */
async function bindPlace() {
  try {
    const status = await fanApi(`/api/events/${encodeURIComponent(flow.eventId)}/queue/bind`,
      { method: 'POST', body: { placeToken: flow.placeToken }, service: 'the queue' });
    delete flow.placeToken;
    saveFlow();
    applyStatus(status);
    announce(announcer(), 'Your place is kept under your account.');
  } catch (err) {
    const placeGone = err instanceof ApiError && ([404, 409].includes(err.status)
      || err.codes.includes('PLACE_TOKEN_INVALID'));
    if (placeGone) {
      // The place ended before it was bound (its turn passed, or it left): the fan, now signed in, joins anew.
      stopQueueUpdates();
      flow = null;
      saveFlow();
      $('#journey').hidden = true;
      $('#events').hidden = false;
      renderEvents();
      showError($('#events-error'), err);
      return;
    }
    if (sessionEnded(err)) return;
    showError($('#journey-error'), err);
  }
}

async function resumeJourney() {
  await openJourney();
  if (flow.orderId) {
    showOrderPanel();
    pollOrder();
  } else if (flow.hold && Date.parse(flow.hold.expiresAt) > Date.now()) {
    showPayForm();
  } else if (flow.hold) {
    flow.hold = null;
    saveFlow();
  }
}

async function openJourney() {
  stopTimers();
  lastState = null;
  lastStatus = null;
  admission = null;
  $('#events').hidden = true;
  $('#journey').hidden = false;
  clearError($('#journey-error'));
  for (const id of ['#hold-form', '#pay-form', '#order-panel']) $(id).hidden = true;
  $('#queue-panel').hidden = false;
  $('#queue-badge').hidden = false;
  $('#order-actions').replaceChildren();
  try {
    event = await api(`/api/events/${encodeURIComponent(flow.eventId)}`, { service: 'the event list' });
  } catch (err) {
    event = events.find((e) => e.eventId === flow.eventId) || null;
    showError($('#journey-error'), err);
  }
  $('#journey-title').textContent = event ? event.name : flow.eventId;
  $('#journey-when').textContent = event ? dateTime(event.startsAt) : '';
  $('#main').focus({ preventScroll: true });
  window.scrollTo({ top: 0 });
  liveFailures = 0;
  polling = true;
  pollTick();
}

/** The interval the server advised with the last status (longer further back in the queue), else the default. */
function nextPollMs() {
  const ms = lastStatus && lastStatus.pollAfterMillis;
  return ms > 0 ? ms : QUEUE_POLL_MS;
}

/**
 * Polls at the server's advised interval. Near the front the server advises the live stream: it is opened then
 * (and polling pauses while it delivers); further back, a fan only asks now and then and holds no connection.
 */
async function pollTick() {
  queueTimer = null;
  await pollQueue();
  if (!polling || streaming) return;
  if (lastStatus && lastStatus.stream && !live && !liveRetryTimer) connectLive();
  if (!FINAL_STATES.includes(lastState)) queueTimer = setTimeout(pollTick, nextPollMs());
}

function startPolling() {
  polling = true;
  if (!queueTimer) queueTimer = setTimeout(pollTick, nextPollMs());
}

function stopPolling() {
  polling = false;
  clearTimeout(queueTimer);
  queueTimer = null;
}

/**
 * Live status by Server-Sent Events. EventSource cannot send the fan token in a header (and the token must never go
 * into a URL), so each connection first gets a single-use stream ticket valid for a minute. While the stream
 * delivers, polling is off; when it errors or ends (the server ends it after ADMITTED, CLOSED or ADMISSION_EXPIRED,
 * and after a maximum lifetime), the page polls again and, unless the queue is over for this fan, reopens the stream
 * with a fresh ticket, backing off while attempts keep failing. The browser's own reconnect would reuse the spent
 * ticket, so the page closes the EventSource itself.
 */
async function connectLive() {
  stopLive();
  const gen = liveGen;
  if (!flow || !fan || typeof EventSource === 'undefined') return;
  const eventId = flow.eventId;
  const path = `/api/events/${encodeURIComponent(eventId)}/queue`;
  let ticket;
  try {
    ticket = await fanApi(`${path}/stream-ticket`, { method: 'POST', service: 'the queue' });
  } catch (err) {
    if (gen !== liveGen) return;
    if (sessionEnded(err)) return;
    liveEnded();
    return;
  }
  if (gen !== liveGen || !flow || flow.eventId !== eventId) return;
  const source = new EventSource(`${path}/stream?ticket=${encodeURIComponent(ticket.ticket)}`);
  live = source;
  source.addEventListener('status', (e) => {
    if (gen !== liveGen) return;
    let status;
    try { status = JSON.parse(e.data); } catch { return; }
    liveFailures = 0;
    if (!streaming) {
      streaming = true;
      stopPolling();
    }
    clearError($('#journey-error'));
    applyStatus(status);
  });
  source.addEventListener('error', () => {
    if (gen !== liveGen) return;
    source.close();
    live = null;
    liveEnded();
  });
}

/** The stream failed or ended: poll, and reopen it later unless nothing more can happen in this queue. */
function liveEnded() {
  const delivered = streaming;
  streaming = false;
  if (FINAL_STATES.includes(lastState)) return;
  startPolling();
  // Once admitted the stream has nothing more to say (it ends there); polling keeps the turn's token fresh.
  if (lastState === 'ADMITTED') return;
  if (!delivered) liveFailures += 1;
  const delay = LIVE_RETRY_MS[Math.min(liveFailures, LIVE_RETRY_MS.length - 1)];
  clearTimeout(liveRetryTimer);
  liveRetryTimer = setTimeout(connectLive, delay);
}

function stopLive() {
  liveGen += 1;
  clearTimeout(liveRetryTimer);
  liveRetryTimer = null;
  if (live) live.close();
  live = null;
  streaming = false;
}

/** Stops every queue update: the stream, its reconnects and polling. */
function stopQueueUpdates() {
  stopLive();
  stopPolling();
}

async function pollQueue() {
  if (!flow || !(fan || flow.placeToken)) return;
  const path = `/api/events/${encodeURIComponent(flow.eventId)}/queue`;
  try {
    const status = flow.placeToken && !fan
      ? await api(path, { auth: bearer(flow.placeToken), service: 'the queue' })
      : await fanApi(path, { service: 'the queue' });
    clearError($('#journey-error'));
    applyStatus(status);
  } catch (err) {
    if (fan && sessionEnded(err)) return;
    if (!fan && err instanceof ApiError && [401, 404].includes(err.status)) {
      // The place is gone (its turn passed unbound, or it left): nothing more to ask.
      stopQueueUpdates();
      save('floodgate.flow', flow = null);
      signOut('Your place in line has ended. You can join again.');
      return;
    }
    showError($('#journey-error'), err);
  }
}

/** Re-words the queue card for the journey's current step without waiting for the next poll. */
function restatus() {
  if (lastStatus && flow) applyStatus(lastStatus);
}

function applyStatus(s) {
  lastStatus = s;
  const changed = s.state !== lastState;
  lastState = s.state;
  const badge = $('#queue-badge');
  badge.className = `badge ${s.state}`;
  badge.textContent = STATE_LABEL[s.state] || s.state;

  const known = (n) => n !== null && n !== undefined;
  $('#q-position').textContent = known(s.position) ? `#${count(s.position)}` : '—';
  $('#q-ahead').textContent = s.state === 'ADMITTED' ? '0' : known(s.fansAhead) ? count(s.fansAhead) : '—';
  $('#q-wait').textContent = s.state === 'ADMITTED' ? 'now' : waitText(s.estimatedWaitSeconds);
  $('#q-chance').textContent = known(s.chance) ? `${Math.round(s.chance * 100)}%` : '—';
  $('#q-ticket').textContent = !s.ticket ? ''
    : known(s.position) ? `Your ticket number is ${count(s.ticket)}.`
      : `Your ticket number is ${count(s.ticket)}; your place is drawn when the queue opens.`;

  const ahead = known(s.fansAhead) ? s.fansAhead : null;
  if (ahead !== null && ahead > (flow.baselineAhead || 0)) { flow.baselineAhead = ahead; saveFlow(); }
  const base = flow.baselineAhead || 0;
  let pct = ahead === null ? 0 : base > 0 ? Math.round(((base - ahead) / base) * 100) : (ahead === 0 ? 100 : 0);
  if (s.state === 'ADMITTED') pct = 100;
  if (s.state === 'PRE_QUEUE') pct = 0;
  $('#q-progress').value = pct;
  $('#q-progress-text').textContent = `${pct}%`;
  $('#q-updated').textContent = `Updated ${new Date().toLocaleTimeString()} · ${
    streaming ? 'live' : `refreshes every ${Math.round(nextPollMs() / 1000)} seconds`}`;

  let message = STATE_TEXT[s.state] || s.state;
  if (s.state === 'ADMITTED') {
    message = flow.orderId ? 'Your order is placed.'
      : flow.hold ? 'Your seats are held: pay below before the timer runs out.' : message;
    if (s.admissionExpiresAt && !flow.orderId) message += ` Your turn lasts until ${clock(s.admissionExpiresAt)}.`;
  }
  if (s.state === 'WAITING' && !known(s.estimatedWaitSeconds)) message += ' No wait estimate yet: nobody was let in lately.';
  const note = $('#place-note');
  note.hidden = s.bound !== false || FINAL_STATES.includes(s.state);
  if (!note.hidden) {
    $('#place-note-text').textContent = s.state === 'AWAITING_SIGN_IN'
      ? `Sign in or create an account by ${clock(s.signInBy)}, or your turn passes to the next fan.`
      : s.signInSoon ? 'Your turn is near: sign in or create an account now to keep your place.'
        : 'You are in line without an account. Sign in or create one any time before your turn: you need one to buy.';
    note.className = `notice ${s.state === 'AWAITING_SIGN_IN' || s.signInSoon ? 'warn' : ''}`;
  }
  $('#queue-message').textContent = message;
  $('#queue-message').className = `notice ${s.state === 'ADMITTED' ? 'ok' : ['CLOSED', 'ADMISSION_EXPIRED', 'SOLD_OUT'].includes(s.state) ? 'warn' : ''}`;
  // Once it is the fan's turn the line figures say nothing new: the panel shrinks to its message.
  $('#queue-live').hidden = s.state === 'ADMITTED';

  if (s.state === 'ADMITTED' && s.admissionToken) {
    admission = { token: s.admissionToken, expiresAt: s.admissionExpiresAt };
    $('#admission-note').textContent = event
      ? `Seats you hold are kept for you for ${Math.round(event.holdTtlSeconds / 60) || 1} min while you pay.` : '';
    if (!flow.hold && !flow.orderId && $('#hold-form').hidden) showHoldForm();
    if (flow.order) renderOrderActions(flow.order);
  } else {
    admission = null;
    if (!flow.orderId) $('#hold-form').hidden = true;
    if (flow.order) renderOrderActions(flow.order);
  }
  if (changed) {
    announce(announcer(), `${event ? event.name : flow.eventId}: ${STATE_TEXT[s.state] || s.state}`);
    if (FINAL_STATES.includes(s.state)) stopQueueUpdates();
  }
  renderSteps();
}

function renderSteps() {
  if (!flow) return;
  const current = flow.order && flow.order.status !== 'AWAITING_PAYMENT' ? 'done'
    : flow.orderId || flow.hold ? 'pay'
      : lastState === 'ADMITTED' ? 'seats' : 'queue';
  const order = ['queue', 'seats', 'pay', 'done'];
  document.querySelectorAll('.steps li').forEach((li) => {
    const i = order.indexOf(li.dataset.step);
    const c = order.indexOf(current);
    li.toggleAttribute('aria-current', i === c);
    if (i === c) li.setAttribute('aria-current', 'step');
    li.classList.toggle('done', i < c);
  });
}

// ---- seats ----
let holdFormLoading = null; // the showHoldForm() under way, if any

/**
 * Shows the seat form with fresh stock. Calls while one is under way join it: several statuses (the join's answer,
 * the first poll, the stream) often arrive while the form is still loading, and a second build finishing later would
 * reset the category and seats the fan has meanwhile picked.
 */
function showHoldForm() {
  if (!holdFormLoading) holdFormLoading = buildHoldForm().finally(() => { holdFormLoading = null; });
  return holdFormLoading;
}

async function buildHoldForm() {
  const form = $('#hold-form');
  clearError($('#hold-error'), form);
  try {
    event = await api(`/api/events/${encodeURIComponent(flow.eventId)}`, { service: 'the event list' });
  } catch (err) {
    showError($('#hold-error'), err);
  }
  if (!event) return;
  const select = $('#category');
  select.replaceChildren(...event.categories.map((c) => h('option', { value: c.categoryId, disabled: c.available === 0 },
    `${c.name} — ${money(c.priceMinor, c.currency)} — ${c.available > 0 ? `${count(c.available)} left` : 'sold out'}`)));
  const firstAvailable = event.categories.find((c) => c.available > 0);
  if (firstAvailable) select.value = firstAvailable.categoryId;
  updateQuantities();
  form.hidden = false;
  $('#pay-form').hidden = true;
  renderSteps();
  form.scrollIntoView({ behavior: 'smooth', block: 'start' });
  select.focus({ preventScroll: true });
}

function selectedCategory() {
  return event && event.categories.find((c) => c.categoryId === $('#category').value);
}

// ---- seat picker (seated categories) ----
let seatMapFor = null;     // "event/category" whose map is on the page

/** The seats picked on the map, in map order. */
function pickedSeats() {
  return Array.from(document.querySelectorAll('#seat-map input:checked')).map((i) => i.value);
}

async function loadSeatMap(c) {
  const picker = $('#seat-picker');
  if (!c || !c.seated) {
    picker.hidden = true;
    $('#seat-map').replaceChildren();
    seatMapFor = null;
    return;
  }
  $('#seat-max').textContent = String(event.maxPerFan);
  picker.hidden = false;
  const key = `${event.eventId}/${c.categoryId}`;
  const keep = seatMapFor === key ? new Set(pickedSeats()) : new Set();
  try {
    const map = await api(`/api/events/${encodeURIComponent(event.eventId)}/categories/${encodeURIComponent(c.categoryId)}/seats`,
      { service: 'the seat map' });
    if (selectedCategory() !== c) return; // the fan switched category meanwhile
    seatMapFor = key;
    $('#seat-map').replaceChildren(...map.sections.map((section, index) => {
      const free = section.rows.reduce((n, r) => n + [...r.states].filter((x) => x === 'A').length, 0);
      return h('details', { class: 'seat-section', open: index === 0 },
        h('summary', {}, `Section ${section.sectionId} — ${count(free)} free`),
        h('div', { class: 'seat-rows' }, section.rows.map((row) => h('div', {
          class: 'seat-row', role: 'group', 'aria-label': `Section ${section.sectionId}, row ${row.rowId}`,
        }, h('span', { class: 'row-label', 'aria-hidden': 'true' }, `Row ${row.rowId}`),
        row.seats.map((n, i) => {
          const id = `${section.sectionId}-${row.rowId}-${n}`;
          const available = row.states[i] === 'A';
          return h('label', { class: 'seat' },
            h('input', {
              type: 'checkbox', value: id, disabled: !available, checked: available && keep.has(id),
              'aria-label': `Section ${section.sectionId}, row ${row.rowId}, seat ${n}${available ? '' : ', taken'}`,
              onchange: seatToggled,
            }),
            h('span', { 'aria-hidden': 'true' }, String(n)));
        })))));
    }));
    updateHoldTotal();
  } catch (err) {
    showError($('#hold-error'), err);
  }
}

/** One section per hold and at most maxPerFan seats: a pick that breaks either is undone, with a word why. */
function seatToggled(ev) {
  const input = ev.currentTarget;
  if (input.checked) {
    const picked = pickedSeats();
    const section = input.value.split('-')[0];
    if (picked.some((s) => s.split('-')[0] !== section)) {
      input.checked = false;
      announce(announcer(), 'The seats of one hold must be in one section.');
      showError($('#hold-error'), new Error('Pick seats in one section (clear the others first).'));
      return;
    }
    if (picked.length > event.maxPerFan) {
      input.checked = false;
      showError($('#hold-error'), new Error(`At most ${event.maxPerFan} seats per fan.`));
      return;
    }
  }
  clearError($('#hold-error'));
  updateHoldTotal();
}

function updateQuantities() {
  const c = selectedCategory();
  loadSeatMap(c);
  const quantity = $('#quantity');
  const previous = Number(quantity.value) || 1;
  const max = c ? Math.max(1, Math.min(event.maxPerFan, c.available)) : 1;
  quantity.replaceChildren(...Array.from({ length: max }, (_, i) => h('option', { value: i + 1 }, String(i + 1))));
  quantity.value = String(Math.min(previous, max));
  updateHoldTotal();
}

function updateHoldTotal() {
  const c = selectedCategory();
  const seats = c && c.seated ? pickedSeats() : [];
  $('#quantity').disabled = seats.length > 0;
  const q = seats.length || Number($('#quantity').value) || 1;
  const what = seats.length ? `${c.name}: ${seats.join(', ')}` : `${q} × ${c ? c.name : ''}${c && c.seated ? ' (best available)' : ''}`;
  $('#hold-total').replaceChildren(c
    ? h('span', {}, what) : '', c ? h('strong', {}, money(c.priceMinor * q, c.currency)) : '');
}

function wireJourney() {
  $('#place-sign-in').addEventListener('click', () => {
    $('#auth').hidden = false;
    $('#auth').scrollIntoView({ behavior: 'smooth', block: 'start' });
    $('#email').focus();
  });
  $('#category').addEventListener('change', updateQuantities);
  $('#quantity').addEventListener('change', updateHoldTotal);
  $('#hold-form').addEventListener('submit', holdSeats);
  $('#pay-form').addEventListener('submit', pay);
  $('#release').addEventListener('click', releaseHold);
  $('#back-to-events').addEventListener('click', leaveJourney);
  document.querySelectorAll('[data-card]').forEach((b) => b.addEventListener('click', () => {
    $('#card-number').value = b.dataset.card.replace(/(\d{4})(?=\d)/g, '$1 ');
    if (!$('#card-exp').value) $('#card-exp').value = `12/${String(new Date().getFullYear() + 3).slice(2)}`;
    if (!$('#card-cvc').value) $('#card-cvc').value = '123';
    $('#card-number').focus();
  }));
}

async function holdSeats(ev) {
  ev.preventDefault();
  const form = ev.currentTarget;
  clearError($('#hold-error'), form);
  if (!admission) {
    showError($('#hold-error'), new Error('Your turn is not active (any more). Watch the queue status above.'));
    return;
  }
  // Same requestId on a retry after a lost answer: the edge answers with the same hold instead of a second one.
  flow.holdRequestId = flow.holdRequestId || randomKey('h-');
  saveFlow();
  const c = selectedCategory();
  const seats = c && c.seated ? pickedSeats() : [];
  const body = seats.length
    ? { categoryId: $('#category').value, seats, requestId: flow.holdRequestId }
    : { categoryId: $('#category').value, quantity: Number($('#quantity').value), requestId: flow.holdRequestId };
  try {
    const hold = await busy(form, 'Holding seats…', () => api(`/api/events/${encodeURIComponent(flow.eventId)}/holds`,
      { method: 'POST', body, auth: bearer(admission.token), service: 'the queue' }));
    flow.hold = hold;
    flow.holdRequestId = null;
    flow.attempt = null;
    saveFlow();
    form.hidden = true;
    showPayForm();
    restatus();
    announce(announcer(), `${hold.quantity} seat${hold.quantity > 1 ? 's' : ''}${hold.seats ? ` (${hold.seats.join(', ')})` : ''}`
      + ` held until ${clock(hold.expiresAt)}.`);
  } catch (err) {
    if (!(err.status === 0 || err.status >= 500)) { flow.holdRequestId = null; saveFlow(); }
    showError($('#hold-error'), err, form);
    if (err.status === 409) showHoldForm();
  }
}

async function releaseHold() {
  if (!flow.hold) return;
  const button = $('#release');
  button.disabled = true;
  try {
    await fanApi(`/api/events/${encodeURIComponent(flow.eventId)}/holds/${encodeURIComponent(flow.hold.holdId)}`,
      { method: 'DELETE', service: 'the queue' });
    holdGone('Seats released.');
  } catch (err) {
    if (sessionEnded(err)) return;
    if (err.status === 404) holdGone('That hold no longer exists.');
    else showError($('#pay-error'), err);
  } finally {
    button.disabled = false;
  }
}

function holdGone(message) {
  clearInterval(countdownTimer);
  countdownTimer = null;
  flow.hold = null;
  flow.attempt = null;
  saveFlow();
  $('#pay-form').hidden = true;
  announce(announcer(), message);
  renderSteps();
  if (lastStatus) restatus(); else if (admission) showHoldForm();
}

// ---- paying ----
function showPayForm() {
  const form = $('#pay-form');
  clearError($('#pay-error'), form);
  const c = event && event.categories.find((x) => x.categoryId === flow.hold.categoryId);
  $('#pay-summary').replaceChildren(
    h('span', {}, `${flow.hold.quantity} × ${c ? c.name : flow.hold.categoryId}`
      + (flow.hold.seats ? ` — seats ${flow.hold.seats.join(', ')}` : '')),
    c ? h('strong', {}, money(c.priceMinor * flow.hold.quantity, c.currency)) : '');
  $('#pay-submit').textContent = c ? `Pay ${money(c.priceMinor * flow.hold.quantity, c.currency)}` : 'Pay';
  if (!$('#buyer-name').value && fan.name !== fan.email) $('#buyer-name').value = fan.name;
  if (!$('#buyer-email').value) $('#buyer-email').value = fan.email || '';
  $('#provider-url').textContent = config ? config.providerUrl : '(unknown: /api/config failed)';
  $('#hold-form').hidden = true;
  form.hidden = false;
  startCountdown();
  renderSteps();
  form.scrollIntoView({ behavior: 'smooth', block: 'start' });
}

function startCountdown() {
  clearInterval(countdownTimer);
  let warned = false;
  const tick = () => {
    if (!flow || !flow.hold) return;
    const left = timeLeft(flow.hold.expiresAt);
    const el = $('#countdown');
    el.textContent = left.text;
    el.classList.toggle('low', left.total <= 60);
    if (left.total <= 60 && left.total > 0 && !warned) {
      warned = true;
      announce(announcer(), 'Less than a minute left to pay for your seats.');
    }
    if (left.total === 0 && !flow.orderId) holdGone('Your hold expired and the seats went back on sale.');
  };
  tick();
  countdownTimer = setInterval(tick, 1000);
}

function parseExpiry(text) {
  const m = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(text);
  if (!m) return null;
  const month = Number(m[1]);
  const year = m[2].length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
  return month >= 1 && month <= 12 ? { month, year } : null;
}

async function pay(ev) {
  ev.preventDefault();
  const form = ev.currentTarget;
  const errorBox = $('#pay-error');
  clearError(errorBox, form);
  if (!config) { showError(errorBox, new Error('The page could not load where checkout is (/api/config). Reload the page.')); return; }
  if (!admission) { showError(errorBox, new Error('Your turn is not active (any more), so the order cannot be placed.')); return; }
  const cardNumber = $('#card-number').value.replace(/[\s-]/g, '');
  const exp = parseExpiry($('#card-exp').value);
  if (!exp) {
    $('#card-exp').setAttribute('aria-invalid', 'true');
    showError(errorBox, new Error('Expiry: use MM/YY, for example 12/30.'));
    $('#card-exp').focus();
    return;
  }
  const buyer = { name: $('#buyer-name').value.trim(), email: $('#buyer-email').value.trim() };
  const cardTag = `${cardNumber.slice(-4)}|${exp.month}/${exp.year}|${buyer.name}|${buyer.email}`;
  // One attempt = one Idempotency-Key. A retry after a lost answer or a server error reuses it (and the payment
  // method already made), so checkout answers with the same order instead of placing a second one.
  if (!flow.attempt || flow.attempt.cardTag !== cardTag) {
    flow.attempt = { key: randomKey('fg-'), paymentMethodId: null, cardTag };
    saveFlow();
  }
  const attempt = flow.attempt;
  try {
    const order = await busy(form, 'Working…', async () => {
      if (!attempt.paymentMethodId) {
        $('#pay-submit').textContent = 'Sending card to the simulator…';
        const pm = await api(`${config.providerUrl}/v1/payment-methods`, {
          method: 'POST', service: 'the payment-provider simulator',
          body: { cardNumber, expMonth: exp.month, expYear: exp.year, cvc: $('#card-cvc').value.trim() },
        });
        attempt.paymentMethodId = pm.id;
        saveFlow();
      }
      $('#pay-submit').textContent = 'Placing your order…';
      return api(`${config.checkoutUrl}/api/orders`, {
        method: 'POST', service: 'checkout', auth: bearer(admission.token),
        headers: { 'Idempotency-Key': attempt.key },
        body: { eventId: flow.eventId, holdId: flow.hold.holdId, paymentMethodId: attempt.paymentMethodId, buyer },
      });
    });
    flow.orderId = order.orderId;
    flow.order = order;
    flow.attempt = null;
    saveFlow();
    $('#card-number').value = '';
    $('#card-cvc').value = '';
    clearInterval(countdownTimer);
    countdownTimer = null;
    showOrderPanel();
    restatus();
    pollOrder();
  } catch (err) {
    const retryable = err.status === 0 || err.status >= 500;
    if (!retryable) { flow.attempt = null; saveFlow(); }
    showError(errorBox, err, form);
    if (retryable) {
      errorBox.append(h('p', { style: 'margin:8px 0 0' },
        'Press Pay again to retry: it is safe, the same attempt is reused and you are charged at most once.'));
    }
  }
}

// ---- the order ----
function showOrderPanel() {
  $('#pay-form').hidden = true;
  $('#hold-form').hidden = true;
  $('#order-panel').hidden = false;
  renderOrder(flow.order || { orderId: flow.orderId, status: 'AWAITING_PAYMENT' });
}

function renderOrder(o) {
  const badge = $('#order-badge');
  badge.className = `badge ${o.status}`;
  badge.textContent = ORDER_LABEL[o.status] || o.status;
  const c = event && event.categories.find((x) => x.categoryId === o.categoryId);
  const stats = [['Order reference', o.orderId || '']];
  if (o.quantity) stats.push(['Tickets', `${o.quantity} × ${c ? c.name : o.categoryId}`]);
  if (o.seats) stats.push(['Seats', o.seats.join(', ')]);
  if (o.tickets && o.tickets.length) {
    stats.push(['Ticket codes', o.tickets.map((t) => (t.seatId ? `${t.seatId}: ${t.code}` : t.code)).join(' · ')]);
  }
  if (o.amountMinor) stats.push(['Amount', money(o.amountMinor, o.currency)]);
  $('#order-stats').replaceChildren(...stats.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))));
  const msg = $('#order-message');
  const final = o.status !== 'AWAITING_PAYMENT';
  // A finished order is the end of this journey: the queue card keeps only its title.
  $('#queue-panel').hidden = final;
  $('#queue-badge').hidden = final;
  if (o.status === 'AWAITING_PAYMENT') {
    msg.className = 'notice';
    msg.textContent = 'Order placed. Waiting for the payment to go through…';
  } else if (o.status === 'PAID') {
    msg.className = 'notice ok';
    msg.textContent = 'Payment confirmed. The seats are yours — enjoy the show!';
  } else {
    msg.className = 'notice warn';
    msg.textContent = o.status === 'PAYMENT_FAILED'
      ? `The payment failed${o.failureReason ? ` (${o.failureReason})` : ''}. Nothing was charged and the seats went back on sale.`
      : 'The order expired before the payment went through. The seats went back on sale.';
  }
  renderOrderActions(o);
  renderSteps();
}

/** "Choose seats again" after a failed or expired order, while the fan's turn lasts (kept, not rebuilt, on polls). */
function renderOrderActions(o) {
  const actions = $('#order-actions');
  const wanted = (o.status === 'PAYMENT_FAILED' || o.status === 'EXPIRED') && !!admission;
  if (wanted && !actions.firstChild) {
    actions.append(h('button', { type: 'button', class: 'btn', onclick: tryAgain }, 'Choose seats again'));
  } else if (!wanted && actions.firstChild) {
    actions.replaceChildren();
  }
}

async function pollOrder() {
  clearInterval(orderTimer);
  const once = async () => {
    if (!flow || !flow.orderId) return;
    try {
      const o = await fanApi(`${config.checkoutUrl}/api/orders/${encodeURIComponent(flow.orderId)}`,
        { service: 'checkout' });
      clearError($('#journey-error'));
      const was = flow.order ? flow.order.status : null;
      flow.order = o;
      saveFlow();
      renderOrder(o);
      if (o.status !== 'AWAITING_PAYMENT') {
        clearInterval(orderTimer);
        orderTimer = null;
        if (o.status === 'PAID') stopQueueUpdates();
        if (was !== o.status) {
          announce(announcer(), $('#order-message').textContent);
          $('#order-panel').focus();
        }
      }
    } catch (err) {
      if (sessionEnded(err)) return;
      showError($('#journey-error'), err);
    }
  };
  if (!config) return;
  await once();
  if (flow && flow.order && flow.order.status === 'AWAITING_PAYMENT') orderTimer = setInterval(once, ORDER_POLL_MS);
}

function tryAgain() {
  flow.hold = null;
  flow.orderId = null;
  flow.order = null;
  flow.attempt = null;
  saveFlow();
  $('#order-panel').hidden = true;
  $('#order-actions').replaceChildren();
  $('#queue-panel').hidden = false;
  $('#queue-badge').hidden = false;
  // Re-reading the last status shows the seat form again while the fan's turn lasts.
  if (lastStatus) restatus(); else showHoldForm();
}

function leaveJourney() {
  if ((flow.hold && !flow.orderId)
      && !confirm('Your seats stay held until the timer runs out, but this page will stop showing them. Leave?')) return;
  stopTimers();
  flow = null;
  admission = null;
  saveFlow();
  $('#journey').hidden = true;
  $('#events').hidden = false;
  loadEvents();
  window.scrollTo({ top: 0 });
}

function stopTimers() {
  stopLive();
  stopPolling();
  for (const t of [queueTimer, orderTimer, countdownTimer]) clearInterval(t);
  queueTimer = orderTimer = countdownTimer = null;
}
