// SPDX-License-Identifier: MIT
// The end-to-end browser test of `essc serve` (docs/SERVE.md, "Tests and
// benchmark"), run by tests/cli/test_serve_e2e.c, which prepares the
// registry, the tokens, the reference endpoint and the server and passes
// them in the environment.  Debian's chromium, driven by puppeteer-core
// (build/browser/node_modules, `npm ci` of tests/browser/package-lock.json):
//
//   staff logs in and issues a vendor token (read from #new-token); the
//   vendor logs in (another browser context), registers a channel with a
//   Chinese name, starts a run and watches #run-state become `conformant`
//   live (scripts on: the state and the progress change in the same
//   document, over server-sent events); the same run page with JavaScript
//   off shows the results after its own refreshes; staff certifies the
//   channel; /public/ lists it; the certificate (out of the registry) passes
//   `essc cert verify --feed` with the feed served at /public/; staff revokes
//   it; /public/ and the feed say so and `essc cert verify --feed` exits 1
//   naming `revoked`.
//
// The vendor's endpoint is the reference behind a small proxy in this
// script that delays each request by ESSC_E2E_DELAY_MS (25 ms), so that a
// run lasts long enough to be watched.  A screenshot of each step goes to
// ESSC_SCREENSHOT_DIR/NN-step.png.  Prints one line per step, "ok N - what"
// or "not ok N - what: why" (then exits 1); every wait has a timeout, and the
// whole script stops itself after ESSC_E2E_LIMIT_S (200 s).

import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

function need(name) {
  const v = process.env[name];
  if (!v) {
    console.log(`not ok 0 - environment: ${name} is not set (run by tests/cli/test_serve_e2e.c)`);
    process.exit(2);
  }
  return v;
}

const env = {
  base: need('ESSC_E2E_URL').replace(/\/$/, ''),
  staffToken: need('ESSC_E2E_STAFF_TOKEN'),
  endpoint: need('ESSC_E2E_ENDPOINT'),
  chPub: need('ESSC_E2E_CH_PUB'),
  issPub: need('ESSC_E2E_ISS_PUB'),
  db: need('ESSC_E2E_DB'),
  dir: need('ESSC_E2E_DIR'),
  profile: need('ESSC_E2E_PROFILE'),
  essc: need('ESSC_BIN'),
  modules: need('ESSC_NODE_MODULES'),
  chromium: process.env.ESSC_CHROMIUM || '/usr/bin/chromium',
  shots: need('ESSC_SCREENSHOT_DIR'),
  delay: Number(process.env.ESSC_E2E_DELAY_MS || 25),
  limit: Number(process.env.ESSC_E2E_LIMIT_S || 200),
};

const require = createRequire(path.join(env.modules, 'essc.js'));
const puppeteer = require('puppeteer-core');

const CHANNEL = 'CH000001';
const NAME = '中国工商银行 电子社保卡';
const VENDOR = 'icbc';
const WAIT = 20000;        // ms: each page wait
const RUN_WAIT = 120000;   // ms: a run to finish

let step = 0;
let browser = null;
const pages = [];         // every page opened, for a picture of each at a failure
let proxy = null;

function ok(what) {
  step++;
  console.log(`ok ${step} - ${what}`);
}

let shots = 0;
async function shot(page, name) {
  shots++;
  const file = path.join(env.shots, `${String(shots).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
}

async function done(code) {
  if (browser) await browser.close().catch(() => {});
  if (proxy) proxy.close();
  process.exit(code);
}

// The whole run is bounded.
const limitTimer = setTimeout(() => {
  console.log(`not ok ${step + 1} - the test did not end within ${env.limit} s`);
  done(1);
}, env.limit * 1000);
limitTimer.unref();

// The slowing proxy in front of the reference endpoint.
function startProxy() {
  const target = new URL(env.endpoint);
  return new Promise((resolve, reject) => {
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        setTimeout(() => {
          const body = Buffer.concat(chunks);
          const out = http.request({
            host: target.hostname, port: target.port, method: req.method,
            path: target.pathname, timeout: 10000,
            headers: { 'content-type': req.headers['content-type'] || 'application/json',
                       'content-length': body.length },
          }, (r) => {
            res.writeHead(r.statusCode, { 'content-type': r.headers['content-type'] || '' });
            r.pipe(res);
          });
          out.on('error', () => { res.writeHead(502); res.end(); });
          out.end(body);
        }, env.delay);
      });
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function login(page, token) {
  await page.goto(`${env.base}/login`, { waitUntil: 'load', timeout: WAIT });
  await page.type('#login-token', token);
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load', timeout: WAIT }),
    page.click('#login-submit'),
  ]);
  if ((await page.$('#login-token')) !== null)
    throw new Error(`login refused: ${await page.$eval('body', (b) => b.innerText)}`);
}

async function submit(page, selector) {
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load', timeout: WAIT }),
    page.click(selector),
  ]);
}

async function text(page, selector) {
  return page.$eval(selector, (e) => e.textContent.trim());
}

// Runs essc ARGS; returns {status, out}.
function essc(args) {
  try {
    const out = execFileSync(env.essc, args, { timeout: 30000, encoding: 'utf8',
                                                stdio: ['ignore', 'pipe', 'pipe'] });
    return { status: 0, out };
  } catch (e) {
    if (e.status === null || e.status === undefined) throw e;
    return { status: e.status, out: `${e.stdout || ''}${e.stderr || ''}` };
  }
}

// The feed and its signature, as /public/ serves them, into dir.
async function fetchFeed(tag) {
  const feed = path.join(env.dir, `feed-${tag}.json`);
  for (const [url, file] of [[`${env.base}/public/feed.json`, feed],
                             [`${env.base}/public/feed.json.sig`, `${feed}.sig`]]) {
    const r = await fetch(url, { signal: AbortSignal.timeout(WAIT) });
    if (r.status !== 200) throw new Error(`GET ${url}: ${r.status}`);
    fs.writeFileSync(file, Buffer.from(await r.arrayBuffer()));
  }
  return feed;
}

// The channel's current certificate and signature, out of the registry.
function certificate() {
  const cert = path.join(env.dir, 'certificate.json');
  const sql = `SELECT writefile('${cert}', bytes), writefile('${cert}.sig', signature) `
    + `FROM certificate WHERE channel_id = '${CHANNEL}' ORDER BY serial DESC LIMIT 1`;
  execFileSync('sqlite3', ['-readonly', env.db, sql], { timeout: 10000 });
  if (!fs.existsSync(cert)) throw new Error('the registry has no certificate of ' + CHANNEL);
  return cert;
}

async function main() {
  fs.mkdirSync(env.shots, { recursive: true });
  proxy = await startProxy();
  const endpoint = `http://127.0.0.1:${proxy.address().port}/`;

  browser = await puppeteer.launch({
    executablePath: env.chromium,
    headless: true,
    userDataDir: env.profile,
    timeout: 30000,
    protocolTimeout: 60000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--disable-dev-shm-usage', '--window-size=1280,1000', '--lang=zh-CN'],
    defaultViewport: { width: 1280, height: 1000 },
  });
  ok(`chromium ${await browser.version()} started`);

  // ---- staff: log in, issue a vendor token --------------------------------------
  const staffCtx = await browser.createBrowserContext();
  const staff = await staffCtx.newPage();
  pages.push(staff);
  staff.setDefaultTimeout(WAIT);
  await login(staff, env.staffToken);
  await shot(staff, 'staff-logged-in');
  ok('staff logs in');

  await staff.goto(`${env.base}/staff/tokens`, { waitUntil: 'load' });
  await staff.type('#token-vendor', VENDOR);
  await staff.type('#token-label', 'e2e 浏览器测试');
  await submit(staff, '#token-submit');
  const vendorToken = await text(staff, '#new-token');
  if (!/^essc_[0-9a-f]{12}_[0-9a-f]{64}$/.test(vendorToken))
    throw new Error(`#new-token is not a token: ${vendorToken}`);
  await shot(staff, 'staff-token-issued');
  ok('staff issues a vendor token, shown once in #new-token');

  // ---- the vendor: log in, register, run ------------------------------------------
  const vendorCtx = await browser.createBrowserContext();
  const vendor = await vendorCtx.newPage();
  pages.push(vendor);
  vendor.setDefaultTimeout(WAIT);
  await login(vendor, vendorToken);
  ok('the vendor logs in with it (another browser context)');

  await vendor.goto(`${env.base}/channels`, { waitUntil: 'load' });
  await vendor.type('#channel-id', CHANNEL);
  await vendor.type('#channel-name', NAME);
  await vendor.select('#channel-class', 'social');
  await vendor.select('#channel-tier', '1');
  await vendor.type('#channel-public-key', fs.readFileSync(env.chPub, 'utf8'));
  await vendor.type('#channel-endpoint', endpoint);
  await shot(vendor, 'vendor-application-form');
  await submit(vendor, '#channel-submit');
  await vendor.goto(`${env.base}/channels/${CHANNEL}`, { waitUntil: 'load' });
  const body = await vendor.$eval('body', (b) => b.innerText);
  if (!body.includes(NAME)) throw new Error(`the channel's page does not show ${NAME}`);
  await shot(vendor, 'vendor-channel-registered');
  ok(`the vendor registers ${CHANNEL} "${NAME}"`);

  // Every change of #run-state and #run-progress in a document, reported
  // with the document's own id (a reload makes a new one).
  const seen = [];
  await vendor.exposeFunction('esscSeen', (s) => { seen.push(JSON.parse(s)); });
  await vendor.evaluateOnNewDocument(() => {
    const doc = Math.random().toString(36).slice(2);
    const report = (kind) => {
      const st = document.getElementById('run-state');
      const pr = document.getElementById('run-progress');
      window.esscSeen(JSON.stringify({ doc, kind, state: st && st.textContent,
                                       progress: pr && pr.textContent }));
    };
    document.addEventListener('DOMContentLoaded', () => {
      report('load');
      const obs = new MutationObserver(() => report('mutation'));
      for (const id of ['run-state', 'run-progress']) {
        const e = document.getElementById(id);
        if (e) obs.observe(e, { childList: true, characterData: true, subtree: true });
      }
    });
  });
  await submit(vendor, '#run-start');
  const runUrl = vendor.url();
  const m = /\/runs\/(\d+)$/.exec(new URL(runUrl).pathname);
  if (!m) throw new Error(`starting a run led to ${runUrl}, not /runs/ID`);
  const runId = m[1];
  await shot(vendor, 'vendor-run-started');
  // Until a document loads with the run finished (live.js reloads the page
  // when the state event says finished), from what the documents reported.
  const FINAL = /^(conformant|not conformant|error|interrupted)$/;
  let shotLive = false;
  const until0 = Date.now() + RUN_WAIT;
  for (;;) {
    if (seen.some((s) => s.kind === 'load' && FINAL.test((s.state || '').trim()))) break;
    if (Date.now() > until0) throw new Error(`the run did not finish in ${RUN_WAIT} ms: ${JSON.stringify(seen.slice(-3))}`);
    if (!shotLive && seen.some((s) => s.kind === 'mutation')) {
      await shot(vendor, 'vendor-run-live').catch(() => {});
      shotLive = true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await vendor.waitForSelector('#results tbody tr[data-verdict]', { timeout: WAIT });
  const state = await text(vendor, '#run-state');
  if (state !== 'conformant') throw new Error(`the run ended ${state}`);
  const live = seen.filter((s) => s.kind === 'mutation');
  const liveStates = new Set(live.map((s) => (s.state || '').trim()));
  const docs = new Set(seen.map((s) => s.doc));
  if (live.length === 0 || !live.some((s) => s.progress && !/^0 \//.test(s.progress.trim())))
    throw new Error(`no live change of the run page was seen: ${JSON.stringify(seen.slice(0, 5))}`);
  const rows = await vendor.$$eval('#results tbody tr[data-verdict]',
                                   (rs) => rs.map((r) => r.dataset.verdict));
  const failed = rows.filter((v) => v === 'fail' || v === 'failed');
  if (rows.length < 50 || failed.length) throw new Error(`results: ${rows.length} rows, ${failed.length} failed`);
  await vendor.waitForSelector('#results details', { timeout: WAIT });
  await shot(vendor, 'vendor-run-conformant');
  ok(`the vendor sees run ${runId} become conformant live (${live.length} live updates in `
     + `${docs.size} documents, states seen live: ${[...liveStates].join(', ')}; ${rows.length} results)`);

  // ---- the same run page without scripts ----------------------------------------------
  const plainCtx = await browser.createBrowserContext();
  const plain = await plainCtx.newPage();
  plain.setDefaultTimeout(WAIT);
  await plain.setJavaScriptEnabled(false);
  await login(plain, vendorToken);
  await plain.goto(`${env.base}/channels/${CHANNEL}`, { waitUntil: 'load' });
  await submit(plain, '#run-start');
  const plainRun = new URL(plain.url()).pathname;
  let plainState = await text(plain, '#run-state');
  let refreshes = 0;
  const until = Date.now() + RUN_WAIT;
  while (!/^(conformant|not conformant|error|interrupted)$/.test(plainState)) {
    if (Date.now() > until) throw new Error(`without scripts ${plainRun} stayed ${plainState}`);
    // The page's own <noscript> refresh reloads it.
    await plain.waitForNavigation({ waitUntil: 'load', timeout: WAIT });
    refreshes++;
    plainState = await text(plain, '#run-state');
  }
  const plainRows = await plain.$$eval('#results tbody tr[data-verdict]', (rs) => rs.length);
  if (plainState !== 'conformant' || plainRows < 50)
    throw new Error(`without scripts: ${plainState}, ${plainRows} results`);
  await shot(plain, 'vendor-run-without-scripts');
  ok(`without scripts ${plainRun} shows ${plainState} and ${plainRows} results after ${refreshes} refreshes`);
  await plainCtx.close();

  // ---- staff certifies; the public list shows it ----------------------------------
  await staff.bringToFront();   // a background tab gets no frames: clicks would wait
  await staff.goto(`${env.base}/staff`, { waitUntil: 'load' });
  await staff.type(`#reason-${CHANNEL}`, 'e2e: conformant report');
  await submit(staff, `#staff-certify-${CHANNEL}`);
  await staff.goto(`${env.base}/staff`, { waitUntil: 'load' });
  await shot(staff, 'staff-certified');
  ok('staff certifies the channel');

  const pubCtx = await browser.createBrowserContext();   // the public: nobody logged in
  const pub = await pubCtx.newPage();
  pages.push(pub);
  await pub.goto(`${env.base}/public/`, { waitUntil: 'load', timeout: WAIT });
  const pubText = await pub.$eval('body', (b) => b.innerText);
  if (!pubText.includes(NAME) || !pubText.includes(CHANNEL))
    throw new Error(`/public/ does not list ${CHANNEL} ${NAME}`);
  await shot(pub, 'public-list-certified');
  ok(`/public/ lists ${CHANNEL} ${NAME}`);

  const cert = certificate();
  const feed1 = await fetchFeed('certified');
  const v1 = essc(['cert', 'verify', cert, '--pub', env.issPub, '--feed', feed1]);
  if (v1.status !== 0) throw new Error(`essc cert verify --feed (certified): exit ${v1.status}: ${v1.out}`);
  ok('essc cert verify --feed with /public/feed.json: exit 0 (valid)');

  // ---- staff revokes; the feed says so ------------------------------------------------
  await staff.bringToFront();
  await staff.goto(`${env.base}/staff`, { waitUntil: 'load' });
  await staff.type(`#reason-${CHANNEL}`, 'e2e: 私钥泄露 key compromised');
  await submit(staff, `#staff-revoke-${CHANNEL}`);
  await shot(staff, 'staff-revoked');
  ok('staff revokes the certificate');

  await pub.bringToFront();
  await pub.goto(`${env.base}/public/`, { waitUntil: 'load', timeout: WAIT });
  const revokedRow = await pub.$$eval('tr', (rs) => rs.map((r) => r.innerText)
    .filter((t) => t.includes('key compromised')).length);
  if (revokedRow === 0) throw new Error('/public/ has no revoked row with the reason');
  await shot(pub, 'public-list-revoked');
  ok('/public/ lists the revocation with its reason');

  const feed2 = await fetchFeed('revoked');
  const v2 = essc(['cert', 'verify', cert, '--pub', env.issPub, '--feed', feed2]);
  if (v2.status !== 1 || !/revoked/.test(v2.out))
    throw new Error(`essc cert verify --feed (revoked): exit ${v2.status}: ${v2.out}`);
  ok(`essc cert verify --feed: exit 1, "${v2.out.trim().split('\n').pop()}"`);
}

try {
  await main();
  clearTimeout(limitTimer);
  await done(0);
} catch (e) {
  console.log(`not ok ${step + 1} - ${String(e && e.stack ? e.stack : e).split('\n').slice(0, 3).join(' | ')}`);
  for (const [i, p] of pages.entries()) {
    const file = path.join(env.shots, `failed-${step + 1}-page${i + 1}.png`);
    await Promise.race([p.screenshot({ path: file, fullPage: true }).catch(() => {}),
                        new Promise((r) => setTimeout(r, 5000))]);
  }
  await done(1);
}
