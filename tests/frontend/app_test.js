'use strict';
// The example frontend's web app (examples/frontend/lib/app.js) with fake collaborators: the
// related widget, the page without it when the service fails, and the click redirect that
// publishes the reader's ClickEvent. Run with `node --test`; ctest runs it as frontend_app.
const test = require('node:test');
const assert = require('node:assert');
const http = require('node:http');
const path = require('node:path');
const { createRequire } = require('node:module');

const frontend = path.resolve(__dirname, '..', '..', 'examples', 'frontend');
const { createApp } = require(path.join(frontend, 'lib', 'app'));
const { Catalog } = require(path.join(frontend, 'lib', 'catalog'));
const { loadConfig } = require(path.join(frontend, 'lib', 'config'));
const grpc = createRequire(path.join(frontend, 'package.json'))('@grpc/grpc-js');

const NOW = Date.parse('2026-12-02T12:00:00Z');

function catalog() {
  const c = new Catalog();
  c.add({ id: 'a1', headline: 'Japan, Pakistan agree on <better> industrial cooperation',
    section: 'world', published_at: '2026-12-02T11:00:00Z' });
  c.add({ id: 'a2', headline: 'Second story', section: 'business',
    published_at: '2026-12-01T12:00:00Z' });
  return c;
}

function response(n) {
  const items = [];
  for (let i = 0; i < n; i++) {
    items.push({ article_id: `r${i}`, headline: `Related ${i} & more`, section: 'world',
      published_at: { seconds: NOW / 1000 - 600 * (i + 1), nanos: 0 }, score: 1 - i / 10 });
  }
  return { items, variant: 'ab:treatment', token: 'tok/en+1=', fallback: false, experiments: [] };
}

// Serves an app over HTTP on a free port; returns {base, app, close}.
async function serve(overrides) {
  const logs = [];
  const app = createApp({
    config: { ...loadConfig({}), ...overrides.config },
    catalog: catalog(),
    related: overrides.related,
    publisher: overrides.publisher,
    log: (level, message) => logs.push(`${level} ${message}`),
    now: () => NOW,
  });
  const server = http.createServer((req, res) => app.handle(req, res));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    app,
    logs,
    close: () => new Promise((r) => server.close(r)),
  };
}

test('an article page shows the related list with click links carrying token and position',
  async () => {
    const calls = [];
    const s = await serve({ related: { getRelated: async (q) => (calls.push(q), response(3)) } });
    try {
      const r = await fetch(`${s.base}/article/a1`);
      assert.strictEqual(r.status, 200);
      const html = await r.text();
      assert.match(html, /Japan, Pakistan agree on &lt;better&gt; industrial cooperation/);
      assert.match(html, /<section class="related" id="related" data-count="3">/);
      assert.match(html, /Related 1 &amp; more/);
      assert.match(html, /href="\/click\?to=r2&from=a1&pos=2&token=tok%2Fen%2B1%3D"/);
      assert.match(html, /data-variant="ab:treatment"/);
      assert.match(html, /20 min ago/);
      const session = /hl_session=([0-9a-f]+)/.exec(r.headers.get('set-cookie'))[1];
      assert.deepStrictEqual(calls[0], { articleId: 'a1', limit: 10, sessionId: session, userId: '',
        deadlineMs: 250 });
      // The same session on the next page, and the user id once signed in.
      await fetch(`${s.base}/article/a2`, { headers: { cookie: `hl_session=${session}; hl_user=ann` } });
      assert.strictEqual(calls[1].sessionId, session);
      assert.strictEqual(calls[1].userId, 'ann');
    } finally {
      await s.close();
    }
  });

for (const code of [grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]) {
  test(`a failed GetRelated (${code}) gives the page without the widget and a counter`, async () => {
    const err = Object.assign(new Error('failed'), { code });
    const s = await serve({ related: { getRelated: async () => { throw err; } } });
    try {
      const r = await fetch(`${s.base}/article/a1`);
      assert.strictEqual(r.status, 200);
      const html = await r.text();
      assert.match(html, /<h1>Japan, Pakistan/);
      assert.doesNotMatch(html, /Related headlines/);
      assert.match(html, /data-error="1"/);
      const name = code === grpc.status.UNAVAILABLE ? 'UNAVAILABLE' : 'DEADLINE_EXCEEDED';
      assert.strictEqual(s.app.counters.get('frontend_related_errors_total', `code="${name}"`), 1);
    } finally {
      await s.close();
    }
  });
}

test('an unknown article is a 404 page, without asking the service', async () => {
  let asked = false;
  const s = await serve({ related: { getRelated: async () => ((asked = true), response(1)) } });
  try {
    const r = await fetch(`${s.base}/article/nope`);
    assert.strictEqual(r.status, 404);
    assert.match(await r.text(), /Article not found/);
    assert.strictEqual(asked, false);
    assert.strictEqual((await fetch(`${s.base}/article/%E0%A4%A`)).status, 400);
  } finally {
    await s.close();
  }
});

test('a click publishes the ClickEvent and redirects to the clicked article', async () => {
  const published = [];
  const s = await serve({ related: null, publisher: { publish: async (c) => published.push(c) } });
  try {
    const r = await fetch(`${s.base}/click?to=r2&from=a1&pos=2&token=tok%2Fen%2B1%3D`, {
      redirect: 'manual', headers: { cookie: 'hl_session=abcdef0123456789; hl_user=ann' } });
    assert.strictEqual(r.status, 303);
    assert.strictEqual(r.headers.get('location'), '/article/r2');
    assert.strictEqual(published.length, 1);
    const c = published[0];
    assert.match(c.event_id, /^[0-9a-f-]{36}$/);
    assert.deepStrictEqual({ ...c, event_id: '' }, { event_id: '', user_id: 'ann',
      session_id: 'abcdef0123456789', article_id: 'r2', source_article_id: 'a1',
      token: 'tok/en+1=', position: 2, occurred_at: new Date(NOW) });
    assert.strictEqual(s.app.counters.get('frontend_clicks_total', 'outcome="published"'), 1);
  } finally {
    await s.close();
  }
});

test('a click that cannot be published still reaches the article, and is counted', async () => {
  const s = await serve({ related: null, config: { clickWaitMs: 1000 },
    publisher: { publish: async () => { throw new Error('broker down'); } } });
  try {
    const r = await fetch(`${s.base}/click?to=r2&from=a1&pos=0`, { redirect: 'manual' });
    assert.strictEqual(r.status, 303);
    assert.strictEqual(r.headers.get('location'), '/article/r2');
    await s.app.pending();
    assert.strictEqual(s.app.counters.get('frontend_clicks_total', 'outcome="failed"'), 1);
    assert.ok(s.logs.some((l) => /not published: broker down/.test(l)), s.logs.join('\n'));
  } finally {
    await s.close();
  }
});

test('a slow broker holds the redirect no longer than CLICK_WAIT_MS', async () => {
  let release;
  const s = await serve({ related: null, config: { clickWaitMs: 50 },
    publisher: { publish: () => new Promise((r) => (release = r)) } });
  try {
    const t0 = Date.now();
    const r = await fetch(`${s.base}/click?to=r2`, { redirect: 'manual' });
    assert.strictEqual(r.status, 303);
    assert.ok(Date.now() - t0 < 1000);
    release();
    await s.app.pending();
    assert.strictEqual(s.app.counters.get('frontend_clicks_total', 'outcome="published"'), 1);
  } finally {
    await s.close();
  }
});

test('malformed clicks are rejected and counted, never published', async () => {
  const published = [];
  const s = await serve({ related: null, publisher: { publish: async (c) => published.push(c) } });
  try {
    const cases = [
      ['/click', '/'],
      [`/click?to=${'x'.repeat(300)}`, '/'],
      ['/click?to=r2&pos=-1', '/article/r2'],
      ['/click?to=r2&pos=abc', '/article/r2'],
      [`/click?to=r2&token=${'t'.repeat(5000)}`, '/article/r2'],
    ];
    for (const [url, location] of cases) {
      const r = await fetch(`${s.base}${url}`, { redirect: 'manual' });
      assert.strictEqual(r.status, 303, url);
      assert.strictEqual(r.headers.get('location'), location, url);
    }
    assert.strictEqual(published.length, 0);
    assert.strictEqual(s.app.counters.get('frontend_clicks_total', 'outcome="rejected"'), 5);
  } finally {
    await s.close();
  }
});

test('bad configuration is refused naming the variable', () => {
  assert.throws(() => loadConfig({ FRONTEND_ADDR: 'nowhere' }), /^Error: FRONTEND_ADDR:/);
  assert.throws(() => loadConfig({ RELATED_LIMIT: '500' }), /^Error: RELATED_LIMIT:/);
  assert.throws(() => loadConfig({ KAFKA_BROKERS: 'a:1,b' }), /^Error: KAFKA_BROKERS:/);
  assert.throws(() => loadConfig({ PROTO_DIR: '/nonexistent' }), /^Error: PROTO_DIR:/);
  assert.throws(() => loadConfig({ CATALOG: '/nonexistent.jsonl' }), /^Error: CATALOG:/);
  assert.strictEqual(loadConfig({ KAFKA_BROKERS: '' }).kafkaBrokers.length, 0);
});
