// Shared by the fan page and the operator page: HTTP calls that speak Floodgate's error body, DOM building without
// innerHTML (every text from a server goes in as text), and formatting. No framework, no build step.

/**
 * A failed call: `messages` are the `errors[].message` of the common error body (with the field when one is named),
 * `codes` their `errors[].code` (stable: branch on these, never on the words of a message).
 */
export class ApiError extends Error {
  constructor(status, messages, retryAfter) {
    super(messages.join(' '));
    this.status = status;
    this.messages = messages;
    this.codes = [];
    this.fields = [];
    this.retryAfter = retryAfter;
  }
}

/**
 * Calls a Floodgate API (or the provider simulator) and answers the parsed JSON (null for an empty body).
 * Throws ApiError: status 0 when the service could not be reached at all.
 */
export async function api(url, { method = 'GET', body, auth, headers = {}, service = 'Floodgate' } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (auth) h.Authorization = auth;
  let res;
  try {
    // credentials: 'omit' — we send tokens ourselves, and it keeps the browser's own login prompt away on a 401.
    res = await fetch(url, {
      method, headers: h, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit', cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, [`Could not reach ${service} at ${new URL(url, location.href).origin}. `
      + 'Check that it is running and try again.']);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const errors = data && Array.isArray(data.errors) && data.errors.length ? data.errors : null;
    const messages = errors
      ? errors.map((e) => (e.field ? `${e.field}: ${e.message}` : String(e.message)))
      : [`${service} answered HTTP ${res.status} without an explanation.`];
    const err = new ApiError(res.status, messages, res.headers.get('Retry-After'));
    err.fields = errors ? errors.map((e) => e.field).filter(Boolean) : [];
    err.codes = errors ? errors.map((e) => e.code).filter(Boolean) : [];
    throw err;
  }
  return data;
}

/** Builds an element: h('p', {class: 'x', onclick: fn}, 'text', child...). Strings become text nodes. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** Shows an error (an ApiError or anything else) in an alert box and marks the form fields it names. */
export function showError(box, err, form) {
  let messages = err instanceof ApiError ? err.messages : [err && err.message ? err.message : String(err)];
  if (form && err instanceof ApiError && err.fields.length) {
    // "cardNumber: card number is invalid" reads better as "Card number: card number is invalid".
    messages = messages.map((m) => {
      const field = err.fields.find((f) => m.startsWith(`${f}: `));
      const input = field && fieldInput(form, field);
      const label = input && input.labels && input.labels[0] ? input.labels[0].textContent.trim() : null;
      return label ? `${label}: ${m.slice(field.length + 2)}` : m;
    });
  }
  box.replaceChildren(messages.length === 1 ? messages[0] : h('ul', {}, messages.map((m) => h('li', {}, m))));
  box.hidden = false;
  if (form && err instanceof ApiError) {
    for (const field of err.fields) {
      const input = fieldInput(form, field);
      if (input) input.setAttribute('aria-invalid', 'true');
    }
  }
}

function fieldInput(form, field) {
  return form.querySelector(`[data-field="${CSS.escape(field)}"], [name="${CSS.escape(field)}"]`);
}

export function clearError(box, form) {
  box.replaceChildren();
  box.hidden = true;
  if (form) form.querySelectorAll('[aria-invalid]').forEach((i) => i.removeAttribute('aria-invalid'));
}

/** Disables a form's controls while `work` runs and shows `busyText` on its submit button. */
export async function busy(form, busyText, work) {
  const button = form.querySelector('button[type="submit"]');
  const label = button ? button.textContent : '';
  form.setAttribute('aria-busy', 'true');
  form.querySelectorAll('button, input, select').forEach((c) => { c.dataset.wasDisabled = c.disabled; c.disabled = true; });
  if (button) button.textContent = busyText;
  try {
    return await work();
  } finally {
    form.removeAttribute('aria-busy');
    form.querySelectorAll('button, input, select').forEach((c) => { c.disabled = c.dataset.wasDisabled === 'true'; });
    if (button) button.textContent = label;
  }
}

const fractionDigits = new Map();

export function money(minor, currency) {
  let digits = fractionDigits.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
    } catch { digits = 2; }
    fractionDigits.set(currency, digits);
  }
  const amount = minor / 10 ** digits;
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount.toFixed(digits)} ${currency}`;
  }
}

export const count = (n) => new Intl.NumberFormat().format(n);

export function dateTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso
    : d.toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function clock(iso) {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** "about 3 min", "under a minute", "about 1 h 20 min". */
export function waitText(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return 'under a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min`;
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** mm:ss (or h:mm:ss) left until `iso`; never negative. */
export function timeLeft(iso) {
  const total = Math.max(0, Math.floor((new Date(iso).getTime() - Date.now()) / 1000));
  const hh = Math.floor(total / 3600);
  const mm = Math.floor((total % 3600) / 60);
  const ss = String(total % 60).padStart(2, '0');
  return { total, text: hh ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}` };
}

/** A random key for Idempotency-Key / requestId; works outside secure contexts too. */
export function randomKey(prefix) {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Announces a message to screen readers (and shows it) in a polite live region. */
export function announce(region, message) {
  region.textContent = '';
  // A fresh text node after a tick makes screen readers read repeated messages too.
  setTimeout(() => { region.textContent = message; }, 50);
}
