// How long Debian's Chromium takes to solve the anonymous join's proof of work (queue-edge web/pow.js), per
// difficulty: median and p95 of N fresh challenges. Serves pow.js from a tiny loopback server; prints a table.
//   node ops/browser-tests/pow-bench.mjs [solves per difficulty, default 20] [difficulties, default 12,14,16,18]
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { loadavg } from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const POW = readFileSync(join(here, '../../queue-edge/src/main/resources/web/pow.js'));
const SOLVES = Number(process.argv[2] || 20);
const BITS = (process.argv[3] || '12,14,16,18').split(',').map(Number);
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];

const server = createServer((req, res) => {
  if (req.url === '/pow.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(POW);
  } else {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>pow</title>');
  }
}).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: process.env.FLOODGATE_CHROMIUM || '/usr/bin/chromium', args: FLAGS });
try {
  const page = await browser.newPage();
  await page.goto(url);
  console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}; ${SOLVES} solves per difficulty`);
  console.log('bits | median ms | p95 ms | max ms | hashes/ms');
  for (const bits of BITS) {
    const challenges = Array.from({ length: SOLVES }, () => randomBytes(72).toString('base64url') + '.'
      + randomBytes(16).toString('base64url'));
    const runs = await page.evaluate(async ({ list, difficultyBits }) => {
      const { solveChallenge } = await import('/pow.js');
      const out = [];
      for (const challenge of list) {
        const t0 = performance.now();
        const nonce = await solveChallenge({ challenge, difficultyBits });
        out.push({ ms: performance.now() - t0, tries: Number(nonce) + 1 });
      }
      return out;
    }, { list: challenges, difficultyBits: bits });
    const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
    const at = (q) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
    const rate = runs.reduce((s, r) => s + r.tries, 0) / runs.reduce((s, r) => s + r.ms, 0);
    console.log(`${bits} | ${at(0.5).toFixed(0)} | ${at(0.95).toFixed(0)} | ${ms[ms.length - 1].toFixed(0)} | ${rate.toFixed(0)}`);
  }
} finally {
  await browser.close();
  server.close();
}
