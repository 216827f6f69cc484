// The fan page (/) and the operator page (/operator/) driven in a real Chromium against a running stack.
// Run by BrowserPagesTest (ops/local-stack), which starts the stack as ./floodgate start does; by hand:
//   FLOODGATE_EDGE_URL=http://127.0.0.1:8080 node ops/browser-tests/pages.mjs [scenario names...]
// Each scenario is a list of steps; every wait is on a page condition with a deadline, never a fixed sleep.
// Exit 0 = every scenario passed; otherwise each failure names its step, and a screenshot is saved.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const EDGE = (process.env.FLOODGATE_EDGE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const OPERATOR = { user: process.env.FLOODGATE_OPERATOR_USER || 'operator',
  password: process.env.FLOODGATE_OPERATOR_PASSWORD || 'floodgate-local' };
const CHROMIUM = process.env.FLOODGATE_CHROMIUM || '/usr/bin/chromium';
const OUT = process.env.FLOODGATE_BROWSER_OUT || 'target/browser-tests';
const EVENT = 'demo-drop';
const STEP_MS = 20_000;      // deadline of one page condition
const PAYMENT_MS = 45_000;   // deadline for a payment to settle (Pulsar, worker, simulator)
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true,
  userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148' };
const DESKTOP = { viewport: { width: 1280, height: 900 } };
// Playwright itself adds --user-data-dir with a fresh temporary profile per launch (it refuses the flag in args).
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// ---- the scenarios ----

const scenarios = {
  /** (1) Phone: sign up, join, watch the status change live (paused with a place, then admitted), hold, pay, PAID. */
  async fanPaysOnAPhone(t) {
    const page = await t.page(PHONE);
    await t.step('the fan page lists the demo drop', async () => {
      await page.goto(`${EDGE}/`);
      await demoCard(page).waitFor();
      await noSidewaysScroll(page);
    });
    await t.step('"Sign in to join" on the demo drop opens the sign-in card', async () => {
      await demoCard(page).getByRole('button', { name: 'Sign in to join' }).tap();
      await page.locator('#auth-lead', { hasText: 'join the queue for Floodgate Demo Drop' }).waitFor();
    });
    // Paused, the fan gets a place but no turn: the page must then change by itself when the queue resumes.
    await t.step('(operator API) the demo queue is paused', () => operatorApi('POST', `/events/${EVENT}/queue/pause`));
    try {
      const fan = await signUp(page, t);
      await t.step('joined: the queue card shows "Paused" with the fan\'s place, over the live stream', async () => {
        await page.locator('#journey-title', { hasText: 'Floodgate Demo Drop' }).waitFor();
        await page.locator('#queue-badge', { hasText: /^Paused$/ }).waitFor();
        await page.locator('#q-position', { hasText: /^#\d/ }).waitFor();
        await page.locator('#q-updated', { hasText: 'live' }).waitFor();
        await page.locator('#who-name', { hasText: fan.name }).waitFor();
        await page.evaluate(() => { window.notReloaded = true; });
        await noSidewaysScroll(page);
      });
      await t.step('(operator API) the demo queue resumes', () => operatorApi('POST', `/events/${EVENT}/queue/resume`));
      await t.step('without a reload the page says it is the fan\'s turn and shows the seat form', async () => {
        await page.locator('#queue-badge', { hasText: /^Your turn$/ }).waitFor();
        await page.locator('#hold-form').waitFor();
        await page.locator('.steps li[aria-current="step"]', { hasText: 'Seats' }).waitFor();
        if (!(await page.evaluate(() => window.notReloaded === true))) throw new Error('the page reloaded');
      });
    } finally {
      // Whatever happened, the other scenarios need the queue open (409: it already is).
      await operatorApi('POST', `/events/${EVENT}/queue/resume`, undefined, [200, 409]).catch(() => {});
    }
    await holdStanding(page, t, 1);
    await t.step('the pay form shows the hold\'s countdown and the amount', async () => {
      await page.locator('#pay-summary', { hasText: '1 × Standing' }).waitFor();
      await page.locator('#pay-submit', { hasText: 'Pay €45.00' }).waitFor();
      const left = await page.locator('#countdown').textContent();
      const m = /^(\d+):(\d{2})$/.exec(left.trim());
      if (!m || Number(m[1]) * 60 + Number(m[2]) <= 0) throw new Error(`countdown shows "${left}"`);
      await noSidewaysScroll(page);
    });
    await payWith(page, t, '4242424242424242');
    await t.step('the order reaches PAID and shows a ticket code', async () => {
      await page.locator('#order-badge', { hasText: /^Paid$/ }).waitFor({ timeout: PAYMENT_MS });
      await page.locator('#order-message', { hasText: 'Payment confirmed' }).waitFor();
      await kv(page, 'Ticket codes', /\S{6,}/);
      await kv(page, 'Amount', '€45.00');
      await page.locator('.steps li[aria-current="step"]', { hasText: 'Done' }).waitFor();
      await noSidewaysScroll(page);
    });
  },

  /**
   * (6) Phone, queue first: a visitor takes a place without an account (solving the event's proof of work when it
   * asks for one), is told to sign in, creates an account while waiting and keeps the same place, then gets the turn.
   */
  async queueFirstThenSignUp(t) {
    const page = await t.page(PHONE);
    await t.step('the fan page lists the demo drop', async () => {
      await page.goto(`${EDGE}/`);
      await demoCard(page).waitFor();
    });
    await t.step('(operator API) the demo queue is paused and asks anonymous joins for a 14-bit proof of work',
      async () => {
        await operatorApi('POST', `/events/${EVENT}/queue/pause`);
        await operatorApi('PUT', `/events/${EVENT}/challenge`, { difficultyBits: 14 });
      });
    try {
      let ticket;
      await t.step('"Join now, sign in while you wait" gives a place at once, marked as not signed in', async () => {
        await demoCard(page).getByRole('button', { name: 'Join now, sign in while you wait' }).tap();
        await page.locator('#queue-badge', { hasText: /^Paused$/ }).waitFor();
        await page.locator('#q-position', { hasText: /^#\d/ }).waitFor();
        await page.locator('#place-note-text', { hasText: 'without an account' }).waitFor();
        await page.locator('#auth-lead', { hasText: 'You have a place in line' }).waitFor();
        ticket = await page.locator('#q-ticket').textContent();
        if (!/\d/.test(ticket)) throw new Error(`no ticket number shown: "${ticket}"`);
        await noSidewaysScroll(page);
      });
      await signUp(page, t);
      await t.step('signed up while waiting: the same place, now kept under the account', async () => {
        await page.locator('#place-note').waitFor({ state: 'hidden' });
        const now = await page.locator('#q-ticket').textContent();
        if (now !== ticket) throw new Error(`the place changed: "${ticket}" became "${now}"`);
        await page.locator('#queue-badge', { hasText: /^Paused$/ }).waitFor();
      });
      await t.step('(operator API) the demo queue resumes', () => operatorApi('POST', `/events/${EVENT}/queue/resume`));
      await t.step('without a reload the bound place gets the turn and the seat form', async () => {
        await page.locator('#queue-badge', { hasText: /^Your turn$/ }).waitFor();
        await page.locator('#hold-form').waitFor();
      });
    } finally {
      await operatorApi('PUT', `/events/${EVENT}/challenge`, { difficultyBits: 0 }).catch(() => {});
      await operatorApi('POST', `/events/${EVENT}/queue/resume`, undefined, [200, 409]).catch(() => {});
    }
  },

  /** (2) Phone: a declined card shows the failure, the seat goes back on sale, the fan may choose again. */
  async declinedCardReturnsTheSeat(t) {
    const page = await t.page(PHONE);
    await page.goto(`${EDGE}/`);
    await signUpAndGetATurn(page, t);
    const before = await t.step('(public API) standing stock before the hold', () => category('standing'));
    await holdStanding(page, t, 1);
    await t.step('(public API) the seat is held', () => until(() => category('standing'),
      (c) => c.held === before.held + 1 && c.available === before.available - 1, 'held + 1'));
    await payWith(page, t, '4000000000000002');
    await t.step('the order shows "Payment failed" and says nothing was charged', async () => {
      await page.locator('#order-badge', { hasText: /^Payment failed$/ }).waitFor({ timeout: PAYMENT_MS });
      await page.locator('#order-message', { hasText: 'Nothing was charged and the seats went back on sale' }).waitFor();
    });
    await t.step('(public API) the seat is back in stock', () => until(() => category('standing'),
      (c) => c.held === before.held && c.available === before.available && c.sold === before.sold, 'stock as before'));
    await t.step('"Choose seats again" shows the seat form with the seat available again', async () => {
      await page.getByRole('button', { name: 'Choose seats again' }).tap();
      await page.locator('#hold-form').waitFor();
      await page.locator('#category option[value="standing"]',
        { hasText: `${before.available.toLocaleString('en-US')} left` }).waitFor({ state: 'attached' });
    });
  },

  /** (3) Phone: the seat picker on the seated category: two named seats, pay, the tickets name the seats. */
  async seatPickerNamedSeats(t) {
    const page = await t.page(PHONE);
    await page.goto(`${EDGE}/`);
    await signUpAndGetATurn(page, t);
    await t.step('choosing "Seated" shows the seat map, section A open', async () => {
      await page.locator('#category').selectOption('seated');
      await page.locator('#seat-picker').waitFor();
      await page.locator('details.seat-section[open] summary', { hasText: /^Section A — [\d,]+ free$/ }).waitFor();
      await noSidewaysScroll(page);
    });
    const pair = await t.step('two free seats side by side in section A', () => page.evaluate(() => {
      for (const row of document.querySelectorAll('#seat-map .seat-row')) {
        const inputs = [...row.querySelectorAll('input')];
        for (let i = 0; i + 1 < inputs.length; i += 1) {
          const [a, b] = [inputs[i], inputs[i + 1]];
          if (a.value.startsWith('A-') && !a.disabled && !b.disabled) return [a.value, b.value];
        }
      }
      return null;
    }).then((p) => { if (!p) throw new Error('no two adjacent free seats in section A'); return p; }));
    const label = (id) => { const [s, r, n] = id.split('-'); return `Section ${s}, row ${r}, seat ${n}`; };
    await t.step(`tapping ${pair.join(' and ')} picks them; the total counts both`, async () => {
      for (const id of pair) await page.getByLabel(label(id), { exact: true }).tap();
      await page.locator('#hold-total', { hasText: `Seated: ${pair.join(', ')}` }).waitFor();
      await page.locator('#hold-total', { hasText: '€178.00' }).waitFor();
      if (!(await page.locator('#quantity').isDisabled())) throw new Error('quantity stays editable with seats picked');
    });
    await t.step('a seat in another section is refused (one section per hold)', async () => {
      await page.locator('details.seat-section summary', { hasText: /^Section B/ }).tap();
      const other = page.locator('details.seat-section[open] input[value^="B-"]:not([disabled])').first();
      await other.tap();
      await page.locator('#hold-error', { hasText: 'Pick seats in one section' }).waitFor();
      if (await other.isChecked()) throw new Error('the section B seat stayed picked');
    });
    await t.step('"Hold these seats" holds exactly the two', async () => {
      await page.getByRole('button', { name: 'Hold these seats' }).tap();
      await page.locator('#pay-summary', { hasText: `2 × Seated — seats ${pair.join(', ')}` }).waitFor();
      await page.locator('#pay-submit', { hasText: 'Pay €178.00' }).waitFor();
    });
    await payWith(page, t, '4242424242424242');
    await t.step('PAID; the seats and a ticket code per seat are shown', async () => {
      await page.locator('#order-badge', { hasText: /^Paid$/ }).waitFor({ timeout: PAYMENT_MS });
      await kv(page, 'Seats', pair.join(', '));
      await kv(page, 'Ticket codes', new RegExp(`^${pair[0]}: \\S+ · ${pair[1]}: \\S+$`));
    });
    await t.step('(public API) the seat map shows both seats sold', () => until(() => seatStates('seated'),
      (m) => m.get(pair[0]) === 'S' && m.get(pair[1]) === 'S', 'both seats S'));
  },

  /**
   * (5) Phone, slow network: the queue statuses that arrive while the seat form loads must not rebuild it under the
   * fan's fingers (they once did: a later build reset the category and the picked seats).
   */
  async slowNetworkKeepsTheFansPicks(t) {
    const page = await t.page(PHONE);
    // Every read of the event after the journey's first one is slower than the last (2.5 s, 5 s, ...): a second
    // build of the seat form, if the page started one, would finish well after the first.
    let reads = 0;
    let slowInFlight = 0;
    await page.route(`${EDGE}/api/events/${EVENT}`, async (route) => {
      reads += 1;
      const delayMs = 2500 * (reads - 1);
      if (delayMs) {
        slowInFlight += 1;
        await new Promise((r) => { setTimeout(r, delayMs); });
        slowInFlight -= 1;
      }
      await route.continue().catch(() => {});
    });
    await page.goto(`${EDGE}/`);
    await signUpAndGetATurn(page, t);
    const seat = await t.step('the fan picks "Seated" and a seat as soon as the form shows', async () => {
      await page.locator('#category').selectOption('seated');
      const first = page.locator('details.seat-section[open] input:not([disabled])').first();
      await first.tap();
      return first.getAttribute('value');
    });
    await t.step(`once every slow read has answered, "Seated" and ${seat} are still picked`, async () => {
      await until(async () => slowInFlight, (n) => n === 0, 'slow event reads answered', STEP_MS);
      const kept = await page.evaluate(() => ({ category: document.querySelector('#category').value,
        picked: [...document.querySelectorAll('#seat-map input:checked')].map((i) => i.value) }));
      if (kept.category !== 'seated' || kept.picked.join() !== seat) {
        throw new Error(`the form was rebuilt: category ${kept.category}, picked [${kept.picked}] (event reads: ${reads})`);
      }
    });
  },

  /**
   * (4) Desktop: the operator signs in, sees the last hour's charts, the sell-out forecast and the settings in force,
   * sets rate, batch and cap, pauses and resumes, sees figures move; then the same console on a phone.
   */
  async operatorControlsTheQueue(t) {
    const page = await t.page(DESKTOP);
    const card = page.locator('article', { has: page.locator('code', { hasText: new RegExp(`^${EVENT}$`) }) });
    const figure = async (name) => Number((await card.locator('dl div', { has: page.locator('dt', { hasText: new RegExp(`^${name}$`) }) })
      .locator('dd').textContent()).replace(/[^\d]/g, ''));
    await t.step('a wrong password is refused', async () => {
      await page.goto(`${EDGE}/operator/`);
      await page.getByLabel('Username').fill(OPERATOR.user);
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('#login-error', { hasText: 'Wrong username or password.' }).waitFor();
    });
    await t.step('the right credentials open the console with the demo drop\'s live figures', async () => {
      await page.getByLabel('Password').fill(OPERATOR.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('#who-name', { hasText: OPERATOR.user }).waitFor();
      // The configured operator is the bootstrap admin: every control, event creation included, is theirs.
      await page.locator('#who-role', { hasText: /^admin$/ }).waitFor();
      await page.locator('#create-title').waitFor();
      await card.locator('.badge', { hasText: /^Open$/ }).waitFor();
      await card.locator('dd', { hasText: /^\d/ }).first().waitFor();
    });
    await t.step('(operator API) the grid keeps the demo drop\'s history: at least one sample', () =>
      until(() => operatorApi('GET', `/events/${EVENT}/history`), (h) => h.samples.length >= 1,
        'a sample of the demo drop', 30_000));
    await t.step('four charts of the last hour, each drawn through the sampled and the live figures', async () => {
      const { samples } = await operatorApi('GET', `/events/${EVENT}/history`);
      for (const title of ['Waiting', 'Admitted / min', 'Held', 'Sold']) {
        const chart = card.locator('figure.chart', { has: page.locator('figcaption span', { hasText: new RegExp(`^${title.replace('/', '\\/')}$`) }) });
        // The sampled hour plus at least one live read (every 2 s) after it.
        await untilPage(page, () => chart.locator('svg.chart-plot').getAttribute('data-points')
          .then((n) => Number(n) >= Math.min(samples.length, 360) + 1), `${title}: ${samples.length} samples + live`);
        const points = (await chart.locator('polyline').getAttribute('points')).trim().split(/\s+/);
        if (points.length < 2 || points.some((p) => !/^-?[\d.]+,-?[\d.]+$/.test(p))) {
          throw new Error(`${title}: the line is not drawn through points: "${points.join(' ')}"`);
        }
        if (!/over the last \d+ minutes/.test(await chart.locator('svg.chart-plot').getAttribute('aria-label'))) {
          throw new Error(`${title}: the chart has no text alternative`);
        }
        await chart.locator('.chart-now', { hasText: /^\d/ }).waitFor();
      }
    });
    await t.step('the sell-out forecast is shown (an ETA, "not selling", "sold out" or too early yet)', async () => {
      await card.locator('p.forecast', { hasText: /^Sell-out forecast: (sells out around .+ \(in .+\)|not selling|sold out|after a minute)/ }).waitFor();
    });
    await t.step('the settings in force are shown beside their fields, and the queue\'s state beside its controls', async () => {
      const { ratePerMinute, batchSize, activeCap } = await operatorApi('GET', `/events/${EVENT}/figures`);
      await card.locator(`#rate-${EVENT}-now`, { hasText: `now ${ratePerMinute.toLocaleString('en')}` }).waitFor();
      await card.locator(`#batch-${EVENT}-now`, { hasText: `now ${batchSize}` }).waitFor();
      await card.locator(`#cap-${EVENT}-now`, { hasText: activeCap ? `now ${activeCap}` : 'now none' }).waitFor();
      await card.locator('.now-status', { hasText: /^now Open$/ }).waitFor();
      await page.screenshot({ path: join(OUT, 'operator-desktop.png'), fullPage: true });
    });
    const originalRate = 600;
    const originalBatch = 10;
    try {
      await t.step('rate 1,200/min, batch 20, at most 500 shopping: applied and echoed by the API', async () => {
        await card.getByLabel('Fans per minute').fill('1200');
        await card.getByLabel('Batch size').fill('20');
        await card.getByLabel('Shopper cap').fill('500');
        await card.getByRole('button', { name: 'Apply' }).click();
        await card.locator('p.hint', { hasText: 'Now: 1,200 fans per minute, in batches of 20, at most 500 shopping at once.' }).waitFor();
        await card.locator(`#rate-${EVENT}-now`, { hasText: /^now 1,200$/ }).waitFor();
        await card.locator(`#batch-${EVENT}-now`, { hasText: /^now 20$/ }).waitFor();
        await card.locator(`#cap-${EVENT}-now`, { hasText: /^now 500$/ }).waitFor();
      });
      await t.step('"Recent changes" shows who changed the settings, from what to what', async () => {
        const row = page.locator('#audit-list tr', { hasText: 'queue.settings' }).first();
        await row.waitFor();
        for (const text of [OPERATOR.user, `event:${EVENT}`, '"ratePerMinute":1200', '"activeCap":500']) {
          await page.locator('#audit-list tr', { hasText: 'queue.settings' }).filter({ hasText: text }).first().waitFor();
        }
      });
      await t.step('Pause: the badge turns "Paused", only Resume and Close are enabled, settings kept', async () => {
        await card.getByRole('button', { name: 'Pause' }).click();
        await card.locator('.badge', { hasText: /^Paused$/ }).waitFor();
        await card.locator('.now-status', { hasText: /^now Paused$/ }).waitFor();
        await card.locator('button:enabled', { hasText: /^Resume$/ }).waitFor();
        if (await card.getByRole('button', { name: 'Pause' }).isEnabled()) throw new Error('Pause still enabled');
        // The pause call's own answer: the queue kept the new settings.
        await card.locator('p.hint', { hasText: 'Now: 1,200 fans per minute, in batches of 20, at most 500 shopping at once.' }).waitFor();
      });
      await t.step('Resume: the badge turns "Open" again', async () => {
        await card.getByRole('button', { name: 'Resume' }).click();
        await card.locator('.badge', { hasText: /^Open$/ }).waitFor();
      });
      await t.step('the pause and the resume are in "Recent changes" with the status before and after', async () => {
        await page.locator('#audit-list tr', { hasText: 'queue.pause' }).filter({ hasText: '"status":"PAUSED"' }).first().waitFor();
        await page.locator('#audit-list tr', { hasText: 'queue.resume' }).filter({ hasText: '"status":"OPEN"' }).first().waitFor();
      });
      const before = { sold: await figure('Sold'), joined: await figure('Joined') };
      await t.step(`a fan buys a standing ticket on a phone meanwhile (sold was ${before.sold})`, async () => {
        const fanPage = await t.page(PHONE);
        await fanPage.goto(`${EDGE}/`);
        await signUpAndGetATurn(fanPage, t);
        await holdStanding(fanPage, t, 1);
        await payWith(fanPage, t, '4242424242424242');
        await fanPage.locator('#order-badge', { hasText: /^Paid$/ }).waitFor({ timeout: PAYMENT_MS });
      });
      await t.step('the live figures show one more joined and one more sold, without a reload', async () => {
        await untilPage(page, () => figure('Sold').then((n) => n === before.sold + 1), 'Sold + 1');
        await untilPage(page, () => figure('Joined').then((n) => n >= before.joined + 1), 'Joined + 1');
      });
      await t.step(`settings back to ${originalRate}/min, batch ${originalBatch}, no cap`, async () => {
        await card.getByLabel('Fans per minute').fill(String(originalRate));
        await card.getByLabel('Batch size').fill(String(originalBatch));
        await card.getByLabel('Shopper cap').fill('0');
        await card.getByRole('button', { name: 'Apply' }).click();
        await card.locator('p.hint', { hasText: 'Now: 600 fans per minute, in batches of 10, no cap on shoppers.' }).waitFor();
        await card.locator(`#cap-${EVENT}-now`, { hasText: /^now none$/ }).waitFor();
      });
      await t.step('on a phone: the same charts with points, the forecast and the settings, no sideways scroll', async () => {
        const phone = await t.page(PHONE);
        const phoneCard = phone.locator('article', { has: phone.locator('code', { hasText: new RegExp(`^${EVENT}$`) }) });
        await phone.goto(`${EDGE}/operator/`);
        await phone.getByLabel('Username').fill(OPERATOR.user);
        await phone.getByLabel('Password').fill(OPERATOR.password);
        await phone.getByRole('button', { name: 'Sign in' }).click();
        await untilPage(phone, () => phoneCard.locator('svg.chart-plot').evaluateAll((plots) => plots.length === 4
          && plots.every((p) => Number(p.dataset.points) >= 2 && p.getBoundingClientRect().width >= 120)), 'four charts with points');
        await phoneCard.locator('p.forecast', { hasText: /^Sell-out forecast: / }).waitFor();
        await phoneCard.locator(`#rate-${EVENT}-now`, { hasText: /^now 600$/ }).waitFor();
        await noSidewaysScroll(phone);
        await phoneCard.locator('.charts').scrollIntoViewIfNeeded();
        await phone.screenshot({ path: join(OUT, 'operator-phone.png') });
        await phone.getByRole('button', { name: 'Sign out' }).click();
      });
      await t.step('Sign out: the sign-in form is back (the session is ended on the server too)', async () => {
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.locator('#login-form').waitFor();
        await page.locator('#console').waitFor({ state: 'hidden' });
      });
    } finally {
      // Whatever happened, the demo queue goes back to its own settings, open (a failure here must not hide the first).
      await operatorApi('PUT', `/events/${EVENT}/queue/settings`,
        { ratePerMinute: originalRate, batchSize: originalBatch, activeCap: 0 }).catch(() => {});
      await operatorApi('POST', `/events/${EVENT}/queue/resume`, undefined, [200, 409]).catch(() => {});
    }
  },
};

// ---- fan steps used by several scenarios ----

function demoCard(page) {
  return page.locator('article.event', { has: page.locator('h3', { hasText: 'Floodgate Demo Drop' }) });
}

let fans = 0;
async function signUp(page, t) {
  fans += 1;
  const fan = { name: `Browser Fan ${fans}`, email: `browser-${Date.now()}-${fans}@example.com` };
  await t.step(`${fan.name} creates an account`, async () => {
    await page.getByRole('button', { name: 'Create an account' }).tap();
    const form = page.locator('#auth-form');
    await form.getByLabel('Your name').fill(fan.name);
    await form.getByLabel('Email').fill(fan.email);
    await form.getByLabel('Password').fill('correct horse battery');
    await form.getByRole('button', { name: 'Create account' }).tap();
    await page.locator('#who-name', { hasText: fan.name }).waitFor();
  });
  return fan;
}

async function signUpAndGetATurn(page, t) {
  await t.step('"Sign in to join" on the demo drop', async () => {
    await demoCard(page).getByRole('button', { name: 'Sign in to join' }).tap();
    await page.locator('#auth-lead', { hasText: 'Floodgate Demo Drop' }).waitFor();
  });
  const fan = await signUp(page, t);
  await t.step('joined and admitted: "Your turn" and the seat form', async () => {
    await page.locator('#queue-badge', { hasText: /^Your turn$/ }).waitFor();
    await page.locator('#hold-form').waitFor();
  });
  return fan;
}

async function holdStanding(page, t, quantity) {
  await t.step(`hold ${quantity} standing`, async () => {
    await page.locator('#category').selectOption('standing');
    await page.locator('#quantity').selectOption(String(quantity));
    await page.locator('#hold-total', { hasText: `${quantity} × Standing` }).waitFor();
    await page.getByRole('button', { name: 'Hold these seats' }).tap();
    await page.locator('#pay-form').waitFor();
    await page.locator('.steps li[aria-current="step"]', { hasText: 'Pay' }).waitFor();
  });
}

async function payWith(page, t, card) {
  await t.step(`pay with test card ${card}`, async () => {
    await page.getByRole('button', { name: `Use test card ${card}` }).tap();
    const shown = await page.getByLabel('Card number').inputValue();
    if (shown.replace(/\s/g, '') !== card) throw new Error(`card field shows "${shown}"`);
    if (!(await page.getByLabel('Name on the tickets').inputValue())) throw new Error('buyer name not prefilled');
    await page.locator('#pay-submit').tap();
    await page.locator('#order-panel').waitFor();
  });
}

/** A key/value row of the order panel. */
async function kv(page, key, value) {
  await page.locator('#order-stats div', { has: page.locator('dt', { hasText: new RegExp(`^${key}$`) }) })
    .locator('dd', { hasText: value }).waitFor();
}

/** "Works on a phone": nothing makes the whole page scroll sideways (the seat rows scroll inside their box). */
async function noSidewaysScroll(page) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: innerWidth }));
  if (scroll > width) throw new Error(`the page is ${scroll}px wide on a ${width}px screen`);
}

// ---- HTTP fixtures (set-up and cross-checks through the public and operator APIs) ----

let operatorSession = null; // signed in once, as a script would: POST /api/operator/sessions, then Bearer

async function operatorApi(method, path, body, expected = [200]) {
  if (!operatorSession) {
    const signIn = await fetch(`${EDGE}/api/operator/sessions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: OPERATOR.user, password: OPERATOR.password }),
    });
    if (signIn.status !== 201) throw new Error(`operator sign-in: HTTP ${signIn.status} ${await signIn.text()}`);
    operatorSession = (await signIn.json()).token;
  }
  const res = await fetch(`${EDGE}/api/operator${path}`, {
    method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: { authorization: `Bearer ${operatorSession}`, 'content-type': 'application/json' },
  });
  const text = await res.text();
  if (!expected.includes(res.status)) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function getJson(path) {
  const res = await fetch(`${EDGE}${path}`);
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

async function category(id) {
  const ev = await getJson(`/api/events/${EVENT}`);
  const c = ev.categories.find((x) => x.categoryId === id);
  if (!c) throw new Error(`no category ${id}`);
  return c;
}

async function seatStates(id) {
  const map = await getJson(`/api/events/${EVENT}/categories/${id}/seats`);
  const out = new Map();
  for (const s of map.sections) for (const r of s.rows) r.seats.forEach((n, i) => out.set(`${s.sectionId}-${r.rowId}-${n}`, r.states[i]));
  return out;
}

/** Polls `read` until `ok` holds, with a deadline; answers the last value. */
async function until(read, ok, what, timeoutMs = PAYMENT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (let wait = 100; ; wait = Math.min(wait * 2, 1000)) {
    last = await read();
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what} (last: ${JSON.stringify(last instanceof Map ? [...last].slice(0, 5) : last)})`);
    await new Promise((r) => { setTimeout(r, wait); });
  }
}

/** Like until(), for a condition read from the page. */
function untilPage(page, check, what) {
  return until(check, (v) => v === true, what, STEP_MS);
}

// ---- the runner ----

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !scenarios[w]);
if (unknown.length) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
mkdirSync(OUT, { recursive: true });
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
console.log(`browser: Chromium ${browser.version()} against ${EDGE}`);
const failed = [];
const started = Date.now();
for (const [name, run] of Object.entries(scenarios)) {
  if (wanted.length && !wanted.includes(name)) continue;
  const contexts = [];
  const pages = [];
  const pageErrors = [];
  const consoleLines = [];
  const t = {
    async page(options) {
      const context = await browser.newContext({ ...options, locale: 'en-US', timezoneId: 'UTC' });
      context.setDefaultTimeout(STEP_MS);
      contexts.push(context);
      const page = await context.newPage();
      const tag = `page ${pages.length + 1}`;
      page.on('pageerror', (e) => pageErrors.push(`${tag}: ${e.message}`));
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') consoleLines.push(`${tag} console.${m.type()}: ${m.text()}`); });
      pages.push(page);
      return page;
    },
    async step(what, fn) {
      const t0 = Date.now();
      try {
        const value = await fn();
        if (pageErrors.length) throw new Error(`uncaught error in the page: ${pageErrors.join(' | ')}`);
        console.log(`    ok   ${what} (${Date.now() - t0} ms)`);
        return value;
      } catch (err) {
        if (!err.floodgateStep) {
          console.log(`    FAIL ${what} (${Date.now() - t0} ms)`);
          err.floodgateStep = what;
        }
        throw err;
      }
    },
  };
  console.log(`scenario ${name}`);
  const t0 = Date.now();
  try {
    await run(t);
    console.log(`  passed ${name} (${Date.now() - t0} ms)`);
  } catch (err) {
    failed.push(name);
    console.log(`  FAILED ${name} at step "${err.floodgateStep || '(outside a step)'}": ${String(err.message).replace(/\u001b\[[0-9;]*m/g, '').split('\n').slice(0, 12).join('\n    ')}`);
    for (const [i, page] of pages.entries()) {
      const file = join(OUT, `${name}-page${i + 1}.png`);
      try {
        await page.screenshot({ path: file, fullPage: true, timeout: 10_000 });
        console.log(`  screenshot: ${file} (${page.url()})`);
      } catch (e) {
        console.log(`  no screenshot of page ${i + 1}: ${e.message}`);
      }
    }
    for (const line of consoleLines.slice(-20)) console.log(`  ${line}`);
  } finally {
    for (const c of contexts) await c.close().catch(() => {});
  }
}
await browser.close();
console.log(failed.length ? `browser tests: ${failed.length} failed (${failed.join(', ')}) in ${Date.now() - started} ms`
  : `browser tests: all passed in ${Date.now() - started} ms`);
process.exit(failed.length ? 1 : 0);
