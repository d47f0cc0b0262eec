#!/usr/bin/env node
'use strict';
/*
The example frontend (examples/frontend) against the real service and a real Kafka broker, in a
real browser (Debian's Chromium driven by puppeteer-core):

  1. A reader opens the front page, clicks a headline, and gets the article page with its related
     list (the expected count); screenshots are saved (HEADLINER_SCREENSHOT_DIR, default
     ./frontend-screenshots: the README's picture comes from here).
  2. The reader clicks the third related headline: within a second the service's click count for
     it and the co-visitation of the pair have grown (Admin.GetActivity and GetRelated's explained
     reasons, through headliner-cli), and the ClickEvent on the clicks topic carries the response's
     token and the item's position.
  3. A frontend whose Headliner does not answer still serves the article, without the widget.
  4. Simulated readers drive the same HTTP endpoints with an A/B experiment configured; the
     experiment report then shows each variant's readers, exposures and clicks exactly.

Usage: frontend_test.js HEADLINER HEADLINER_CLI
Needs a broker at $HEADLINER_KAFKA_BROKERS (default 127.0.0.1:9092), Chromium ($CHROMIUM, default
/usr/bin/chromium) and the frontend's npm packages (scripts/setup installs all three). Without
them it skips (exit 77), unless HEADLINER_REQUIRE_KAFKA=1 (CI), where it fails.
*/
const assert = require('node:assert');
const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { createRequire } = require('node:module');

const SKIP = 77;
const ROOT = path.resolve(__dirname, '..', '..');
const FRONTEND = path.join(ROOT, 'examples', 'frontend');
const BROKERS = process.env.HEADLINER_KAFKA_BROKERS || '127.0.0.1:9092';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SCREENSHOTS = path.resolve(process.env.HEADLINER_SCREENSHOT_DIR || 'frontend-screenshots');
const ARTICLES = 400;
const READERS = 120;
const [SERVER, CLI] = process.argv.slice(2);

function log(...args) {
  console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...args);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function brokerUp() {
  const [host, port] = BROKERS.split(',')[0].split(':');
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port), timeout: 2000 });
    socket.on('connect', () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => (socket.destroy(), resolve(false)));
  });
}

// What this test needs and is missing, or null.
async function missing() {
  if (!(await brokerUp())) return `no Kafka broker at ${BROKERS} (scripts/kafka start)`;
  if (!fs.existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (scripts/setup installs it)`;
  if (!fs.existsSync(path.join(FRONTEND, 'node_modules', 'puppeteer-core'))) {
    return `no npm packages in ${FRONTEND} (scripts/setup runs npm ci there)`;
  }
  return null;
}

// A child process whose output goes to a log file, killed at the end of the test.
class Child {
  constructor(name, command, args, options, work) {
    this.logFile = path.join(work, `${name}.log`);
    const out = fs.openSync(this.logFile, 'a');
    this.proc = spawn(command, args, { ...options, stdio: ['ignore', out, out] });
    this.exited = null;
    this.proc.on('exit', (code, signal) => (this.exited = signal || code));
  }
  tail() {
    return fs.readFileSync(this.logFile, 'utf8').slice(-3000);
  }
  stop() {
    if (this.exited === null) this.proc.kill('SIGTERM');
  }
}

class Service {
  constructor(work, run) {
    this.work = work;
    this.run = run;
    this.topics = { articles: `fe-articles-${run}`, clicks: `fe-clicks-${run}`,
      impressions: `fe-impressions-${run}` };
  }

  cli(...args) {
    const env = { ...process.env, HEADLINER_ADDR: this.addr, HEADLINER_ADMIN_ADDR: this.addr,
      HEADLINER_KAFKA_BROKERS: BROKERS };
    return execFileSync(CLI, args, { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  }

  json(...args) {
    return JSON.parse(this.cli(...args, '--json'));
  }

  async start() {
    this.addr = `127.0.0.1:${await freePort()}`;
    fs.writeFileSync(path.join(this.work, 'experiments.yaml'), `layers:
  - name: page
    experiments:
      - key: widget
        unit: session
        control: control
        variants:
          - {name: control, weight: 0.5}
          - {name: fresher, weight: 0.5, ranking: {freshness_weight: 0.3}}
`);
    fs.writeFileSync(path.join(this.work, 'token.key'), crypto.randomBytes(16).toString('hex'));
    const config = path.join(this.work, 'config.yaml');
    fs.writeFileSync(config, `data_dir: ${this.work}/data
server:
  grpc_addr: "${this.addr}"
  admin_addr: ""  # Admin on the same port
experiments:
  file: ${this.work}/experiments.yaml
  token_key_file: ${this.work}/token.key
kafka:
  brokers: "${BROKERS}"
  group_id: "fe-${this.run}"
  articles_topic: "${this.topics.articles}"
  clicks_topic: "${this.topics.clicks}"
  impressions_topic: "${this.topics.impressions}"
  articles_dead_letter_topic: ""
  clicks_dead_letter_topic: ""
`);
    this.proc = new Child('headliner', SERVER, [`--config=${config}`], {}, this.work);
    const deadline = Date.now() + 60000;
    while (Date.now() < deadline) {
      try {
        if (this.cli('stats', '--json').includes('"brokers"')) return;
      } catch (err) {
        // not answering yet
      }
      if (this.proc.exited !== null) break;
      await sleep(100);
    }
    throw new Error(`headliner did not start (exit ${this.proc.exited}); its log:\n${this.proc.tail()}`);
  }

  stats() {
    return this.json('stats');
  }

  async waitFor(what, predicate, timeoutMs = 60000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      last = predicate();
      if (last === true) return;
      await sleep(200);
    }
    throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}: ${JSON.stringify(last)}`);
  }

  clicksOf(id) {
    const a = this.json('activity', id).articles || [];
    return Number((a.find((x) => x.key === id) || {}).clicks || 0);
  }

  // The covisitation feature's value of `to` in `from`'s related list, for a reader in no
  // experiment (a user id without a session: no exposure is published), or 0 when not listed.
  covisitation(from, to) {
    const r = this.json('related', from, '--explain', '--limit', '100', '--user', 'frontend-probe');
    const item = (r.items || []).find((i) => i.article_id === to);
    const reason = item && (item.reasons || []).find((x) => x.feature === 'covisitation');
    return reason ? Number(reason.value || 0) : 0;
  }
}

async function startFrontend(work, name, env) {
  const port = await freePort();
  const child = new Child(name, process.execPath, [path.join(FRONTEND, 'server.js')],
    { env: { ...process.env, FRONTEND_ADDR: `127.0.0.1:${port}`, ...env } }, work);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { base, child };
    } catch (err) {
      // not listening yet
    }
    if (child.exited !== null) break;
    await sleep(50);
  }
  throw new Error(`the frontend did not start; its log:\n${child.tail()}`);
}

// Every ClickEvent on `topic` (read from the start until `count` arrived), decoded.
async function readClicks(kafka, ClickEvent, topic, count) {
  const consumer = kafka.consumer({ groupId: `fe-check-${crypto.randomUUID()}` });
  const got = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      got.push(ClickEvent.toObject(ClickEvent.decode(message.value), { longs: Number }));
    },
  });
  const deadline = Date.now() + 30000;
  while (got.length < count && Date.now() < deadline) await sleep(100);
  await consumer.disconnect();
  return got;
}

async function browserPart(service, front, frontRequire, shots, ClickEvent, kafka) {
  const puppeteer = frontRequire('puppeteer-core');
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1000, height: 1100 });
    await page.goto(`${front.base}/`);
    await page.screenshot({ path: path.join(shots, 'front-page.png') });
    // The reader clicks the fifth headline of the front page...
    await Promise.all([page.waitForNavigation(), page.click('.front li:nth-child(5) a')]);
    const source = await page.$eval('article', (a) => a.dataset.articleId);
    const items = await page.$$eval('#related li a', (as) =>
      as.map((a) => ({ id: a.dataset.articleId, position: Number(a.dataset.position),
        headline: a.textContent.trim() })));
    const count = await page.$eval('#related', (s) => Number(s.dataset.count));
    assert.strictEqual(items.length, 10, `the related list of ${source} has ${items.length} items`);
    assert.strictEqual(count, 10);
    const footer = await page.$eval('#debug', (f) => ({ ...f.dataset }));
    assert.match(footer.variant, /^widget:(control|fresher)$/, JSON.stringify(footer));
    await page.screenshot({ path: path.join(shots, 'article.png'), fullPage: true });
    log(`article ${source}: ${items.length} related headlines, variant ${footer.variant}`);

    // ...then the third related headline.
    const target = items[2];
    const clicksBefore = service.clicksOf(target.id);
    const covisitBefore = service.covisitation(source, target.id);
    const clickedAt = Date.now();
    await Promise.all([page.waitForNavigation(), page.click('#related li:nth-child(3) a')]);
    assert.strictEqual(new URL(page.url()).pathname, `/article/${encodeURIComponent(target.id)}`);
    assert.strictEqual(await page.$eval('h1', (h) => h.textContent.trim()), target.headline);
    let clicksAfter = clicksBefore;
    let covisitAfter = covisitBefore;
    while (Date.now() - clickedAt < 5000) {
      clicksAfter = service.clicksOf(target.id);
      covisitAfter = service.covisitation(source, target.id);
      if (clicksAfter > clicksBefore && covisitAfter > covisitBefore) break;
    }
    const seconds = (Date.now() - clickedAt) / 1000;
    log(`click on ${target.id}: clicks ${clicksBefore} -> ${clicksAfter}, covisitation with ` +
      `${source} ${covisitBefore} -> ${covisitAfter}, ${seconds.toFixed(2)} s after the click`);
    assert.strictEqual(clicksAfter, clicksBefore + 1);
    assert.ok(covisitAfter > covisitBefore, 'the pair\'s co-visitation did not grow');
    assert.ok(seconds <= 1.0, `the click took ${seconds} s to count (limit 1 s)`);
    await page.screenshot({ path: path.join(shots, 'after-click.png'), fullPage: true });

    // The clicks as published: the front page's (no token) and the related list's.
    const events = await readClicks(kafka, ClickEvent, service.topics.clicks, 2);
    assert.strictEqual(events.length, 2, JSON.stringify(events));
    const related = events.find((e) => e.article_id === target.id);
    assert.deepStrictEqual(
      { session: related.session_id, source: related.source_article_id, token: related.token,
        position: related.position || 0 },
      { session: footer.session, source, token: footer.token, position: 2 });
    assert.ok(related.event_id && related.occurred_at.seconds > 0);
    log('the published ClickEvent carries the response\'s token and position 2');

    // A frontend whose Headliner does not answer serves the page without the widget.
    const dead = await startFrontend(service.work, 'frontend-no-service', {
      HEADLINER_ADDR: `127.0.0.1:${await freePort()}`, KAFKA_BROKERS: '',
      CATALOG: path.join(service.work, 'catalog.jsonl') });
    try {
      const response = await page.goto(`${dead.base}/article/${encodeURIComponent(source)}`);
      assert.strictEqual(response.status(), 200);
      assert.ok(await page.$('h1'));
      assert.strictEqual(await page.$('#related'), null);
      assert.ok(await page.$('#debug[data-error]'));
      await page.screenshot({ path: path.join(shots, 'article-without-service.png') });
      log('without the service: the article, no widget');
    } finally {
      dead.child.stop();
    }
    return { variant: footer.variant.split(':')[1], session: footer.session };
  } finally {
    await browser.close();
  }
}

// Cookie-keeping HTTP reader of the site (what a browser does, without rendering).
class Reader {
  constructor(base) {
    this.base = base;
    this.cookies = {};
  }
  async get(url) {
    const cookie = Object.entries(this.cookies).map(([k, v]) => `${k}=${v}`).join('; ');
    const r = await fetch(`${this.base}${url}`, { redirect: 'manual', headers: { cookie } });
    for (const c of r.headers.getSetCookie()) {
      const [kv] = c.split(';');
      const eq = kv.indexOf('=');
      this.cookies[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    return { status: r.status, location: r.headers.get('location'), html: await r.text() };
  }
}

function parseArticlePage(html) {
  const variant = (/data-variant="([^"]*)"/.exec(html) || [])[1] || '';
  const links = [...html.matchAll(/<a href="(\/click\?[^"]*)" rel="nofollow"/g)].map((m) =>
    m[1].replace(/&amp;/g, '&'));
  return { variant, links };
}

async function readersPart(service, front, ids, browserReader) {
  // Per variant, per session: [exposures, clicks]. The browser's reader saw two lists (the article
  // it came to and the one it clicked through to) and clicked one item of the first.
  const units = { control: new Map(), fresher: new Map() };
  units[browserReader.variant].set(browserReader.session, [2, 1]);
  let seed = 20261202;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < READERS; i++) {
    const reader = new Reader(front.base);
    let url = `/article/${encodeURIComponent(ids[Math.floor(random() * ids.length)])}`;
    for (let pageViews = 0; pageViews < 4 && url; pageViews++) {
      const page = await reader.get(url);
      assert.strictEqual(page.status, 200, url);
      const { variant, links } = parseArticlePage(page.html);
      const arm = variant.split(':')[1];
      const row = units[arm].get(reader.cookies.hl_session) || [0, 0];
      units[arm].set(reader.cookies.hl_session, row);
      row[0] += 1;
      url = null;
      if (links.length && random() < 0.45) {
        const position = Math.min(links.length - 1, Math.floor(-Math.log(1 - random()) * 2.5));
        const click = await reader.get(links[position]);
        assert.strictEqual(click.status, 303);
        row[1] += 1;
        url = click.location;
      }
    }
  }
  const want = {};
  for (const [arm, rows] of Object.entries(units)) {
    const r = [...rows.values()];
    want[arm] = { units: r.length, impressions: r.reduce((s, x) => s + x[0], 0),
      clicks: r.reduce((s, x) => s + x[1], 0) };
  }
  log(`${READERS} simulated readers: ${JSON.stringify(want)}`);
  let got;
  await service.waitFor('the experiment report to count every exposure and click', () => {
    const report = service.json('experiments', 'report', 'widget');
    const variants = report.experiments[0].variants || [];
    got = {};
    for (const arm of Object.keys(want)) {
      const v = variants.find((x) => x.variant === arm) || {};
      got[arm] = { units: Number(v.units || 0), impressions: Number(v.impressions || 0),
        clicks: Number(v.clicks || 0) };
    }
    return JSON.stringify(got) === JSON.stringify(want) || got;
  }, 90000);
  log(`experiments report: ${JSON.stringify(got)}`);
}

async function main() {
  const why = await missing();
  if (why) {
    if (process.env.HEADLINER_REQUIRE_KAFKA === '1') {
      console.error(`FAIL: ${why}`);
      return 1;
    }
    log(`SKIP: ${why}`);
    return SKIP;
  }
  const frontRequire = createRequire(path.join(FRONTEND, 'package.json'));
  const { Kafka, logLevel } = frontRequire('kafkajs');
  const { ClickPublisher } = require(path.join(FRONTEND, 'lib', 'click_publisher'));
  const { ClickEvent } = new ClickPublisher(path.join(ROOT, 'proto'), [BROKERS], 'unused', () => {});
  const kafka = new Kafka({ clientId: 'frontend-test', brokers: [BROKERS], logLevel: logLevel.ERROR });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'headliner-frontend-'));
  const run = `${Date.now()}-${process.pid}`;
  const service = new Service(work, run);
  const children = [];
  try {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: Object.values(service.topics).map(
      (topic) => ({ topic, numPartitions: 2, replicationFactor: 1 })) });
    await admin.disconnect();
    const catalog = service.cli('sample', '--count', String(ARTICLES));
    fs.writeFileSync(path.join(work, 'catalog.jsonl'), catalog);
    service.cli('produce', `--topic=${service.topics.articles}`, path.join(work, 'catalog.jsonl'));
    await service.start();
    children.push(service.proc);
    await service.waitFor(`${ARTICLES} articles`, () =>
      Number(service.stats().articles || 0) === ARTICLES || service.stats().articles);
    const front = await startFrontend(work, 'frontend', {
      HEADLINER_ADDR: service.addr, KAFKA_BROKERS: BROKERS, CLICKS_TOPIC: service.topics.clicks,
      CATALOG: path.join(work, 'catalog.jsonl') });
    children.push(front.child);

    const browserReader = await browserPart(service, front, frontRequire, SCREENSHOTS, ClickEvent,
      kafka);
    const ids = catalog.trim().split('\n').map((l) => JSON.parse(l).id);
    await readersPart(service, front, ids, browserReader);
    const metrics = await (await fetch(`${front.base}/metrics`)).text();
    assert.doesNotMatch(metrics, /outcome="(failed|rejected)"/, metrics);
    log(`screenshots in ${SCREENSHOTS}`);
    log('PASS');
    return 0;
  } catch (err) {
    for (const c of children) console.error(`--- ${c.logFile}\n${c.tail()}`);
    throw err;
  } finally {
    children.forEach((c) => c.stop());
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
