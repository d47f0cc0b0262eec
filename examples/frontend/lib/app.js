'use strict';
// The web app: routes, reader cookies, the related widget and the click redirect. Its
// collaborators are passed in (the gRPC client, the click publisher, the catalog), so tests can
// give it failing ones. Node runs it on one thread: the counters need no lock.
const crypto = require('node:crypto');
const pages = require('./pages');
const { statusName } = require('./related_client');

const SESSION_COOKIE = 'hl_session';
const USER_COOKIE = 'hl_user';
const USER_ID = /^[A-Za-z0-9._@-]{1,64}$/;
const MAX_ID_BYTES = 256; // the service's limit on article ids
const MAX_TOKEN_BYTES = 4096;

function parseCookies(header) {
  const out = {};
  for (const part of (header || '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

function validId(id) {
  return typeof id === 'string' && id.length > 0 && Buffer.byteLength(id) <= MAX_ID_BYTES;
}

class Counters {
  constructor() {
    this.values = new Map(); // 'name{labels}' -> number
  }
  inc(name, labels = '') {
    const key = labels ? `${name}{${labels}}` : name;
    this.values.set(key, (this.values.get(key) || 0) + 1);
  }
  get(name, labels = '') {
    return this.values.get(labels ? `${name}{${labels}}` : name) || 0;
  }
  // Prometheus' text format.
  text() {
    return [...this.values].map(([k, v]) => `${k} ${v}`).join('\n') + '\n';
  }
}

// `deps`: {config, related (RelatedClient or null), publisher (ClickPublisher or null), catalog,
// log(level, message), now() -> ms}. Returns {handle(req, res), counters, pending()}.
function createApp(deps) {
  const { config, related, publisher, catalog, log } = deps;
  const now = deps.now || Date.now;
  const counters = new Counters();
  const inFlight = new Set(); // click sends not yet settled

  function reader(req, res) {
    const cookies = parseCookies(req.headers.cookie);
    let sessionId = cookies[SESSION_COOKIE];
    if (!sessionId || !/^[0-9a-f]{8,64}$/.test(sessionId)) {
      sessionId = crypto.randomBytes(12).toString('hex');
      res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${sessionId}; Path=/; HttpOnly; SameSite=Lax`);
    }
    const userId = USER_ID.test(cookies[USER_COOKIE] || '') ? cookies[USER_COOKIE] : '';
    return { sessionId, userId };
  }

  function send(res, status, html) {
    res.writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'self'; style-src 'unsafe-inline'",
    });
    res.end(html);
  }

  function redirect(res, location) {
    res.writeHead(303, { Location: location, 'Cache-Control': 'no-store' });
    res.end();
  }

  async function articlePage(req, res, id) {
    const who = reader(req, res);
    const article = validId(id) ? catalog.get(id) : undefined;
    if (!article) {
      counters.inc('frontend_pages_total', 'page="not_found"');
      return send(res, 404, pages.notFoundPage({ siteName: config.siteName, id, reader: who }));
    }
    counters.inc('frontend_pages_total', 'page="article"');
    let response = null;
    let debugText;
    const started = now();
    if (!related) {
      debugText = 'related headlines: no service configured';
    } else {
      try {
        response = await related.getRelated({
          articleId: id,
          limit: config.relatedLimit,
          sessionId: who.sessionId,
          userId: who.userId,
          deadlineMs: config.relatedDeadlineMs,
        });
        for (const item of response.items) if (!catalog.get(item.article_id)) catalog.add(item);
        debugText =
          `variant ${response.variant} · ${response.items.length} items in ${now() - started} ms` +
          ` · session ${who.sessionId} · token ${response.token}`;
      } catch (err) {
        // The page is still served, without the widget: a related list is never worth an error.
        const code = statusName(err);
        counters.inc('frontend_related_errors_total', `code="${code}"`);
        log('warn', `GetRelated(${id}) failed: ${code}: ${err.details || err.message}`);
        debugText = `related headlines unavailable: ${code} after ${now() - started} ms`;
      }
    }
    const escape = pages.escapeHtml;
    const debug = {
      attributes: response
        ? ` data-variant="${escape(response.variant)}" data-token="${escape(response.token)}"` +
          ` data-session="${escape(who.sessionId)}"`
        : ` data-error="1" data-session="${escape(who.sessionId)}"`,
      text: escape(debugText),
    };
    send(res, 200, pages.articlePage({
      siteName: config.siteName, article, related: response, reader: who, nowMs: now(), debug,
    }));
  }

  // Publishes the click, then sends the reader on to the clicked article. The redirect waits for
  // Kafka's acknowledgement at most config.clickWaitMs; a failed publish is logged and counted,
  // and the reader still gets the article.
  async function click(req, res, query) {
    const who = reader(req, res);
    const to = query.get('to');
    const from = query.get('from') || '';
    const token = query.get('token') || '';
    const pos = query.get('pos') || '';
    if (!validId(to)) {
      counters.inc('frontend_clicks_total', 'outcome="rejected"');
      return redirect(res, '/');
    }
    const target = `/article/${encodeURIComponent(to)}`;
    if ((from && !validId(from)) || Buffer.byteLength(token) > MAX_TOKEN_BYTES ||
        (pos && !/^\d{1,2}$/.test(pos))) {
      counters.inc('frontend_clicks_total', 'outcome="rejected"');
      return redirect(res, target);
    }
    if (!publisher) {
      counters.inc('frontend_clicks_total', 'outcome="unpublished"');
      return redirect(res, target);
    }
    const sent = publisher
      .publish({
        event_id: crypto.randomUUID(),
        user_id: who.userId,
        session_id: who.sessionId,
        article_id: to,
        source_article_id: from,
        token,
        position: pos ? Number(pos) : 0,
        occurred_at: new Date(now()),
      })
      .then(
        () => counters.inc('frontend_clicks_total', 'outcome="published"'),
        (err) => {
          counters.inc('frontend_clicks_total', 'outcome="failed"');
          log('error', `click on ${to} not published: ${err.message}`);
        },
      );
    inFlight.add(sent);
    sent.finally(() => inFlight.delete(sent));
    let timer;
    await Promise.race([sent, new Promise((r) => (timer = setTimeout(r, config.clickWaitMs)))]);
    clearTimeout(timer);
    redirect(res, target);
  }

  function login(req, res, query) {
    const user = query.get('user') || '';
    if (!USER_ID.test(user)) return redirect(res, '/');
    res.setHeader('Set-Cookie', `${USER_COOKIE}=${user}; Path=/; HttpOnly; SameSite=Lax`);
    const next = query.get('next') || '/';
    redirect(res, next.startsWith('/') && !next.startsWith('//') ? next : '/');
  }

  async function handle(req, res) {
    const url = new URL(req.url, 'http://frontend');
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' });
        return res.end();
      }
      const match = /^\/article\/([^/]+)$/.exec(url.pathname);
      if (match) return await articlePage(req, res, decodeURIComponent(match[1]));
      switch (url.pathname) {
        case '/':
          counters.inc('frontend_pages_total', 'page="front"');
          return send(res, 200, pages.frontPage({
            siteName: config.siteName, articles: catalog.latest(40), reader: reader(req, res),
            nowMs: now(),
          }));
        case '/click':
          return await click(req, res, url.searchParams);
        case '/login':
          return login(req, res, url.searchParams);
        case '/logout':
          res.setHeader('Set-Cookie', `${USER_COOKIE}=; Path=/; Max-Age=0`);
          return redirect(res, '/');
        case '/healthz':
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          return res.end('ok\n');
        case '/metrics':
          res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
          return res.end(counters.text());
        default:
          counters.inc('frontend_pages_total', 'page="not_found"');
          return send(res, 404, pages.notFoundPage({
            siteName: config.siteName, id: url.pathname, reader: reader(req, res),
          }));
      }
    } catch (err) {
      // A bug of ours (a malformed %-escape, say): one line in the log, a plain 400 or 500.
      const bad = err instanceof URIError;
      log('error', `${req.method} ${req.url}: ${err.stack || err}`);
      counters.inc('frontend_errors_total', `status="${bad ? 400 : 500}"`);
      if (!res.headersSent) res.writeHead(bad ? 400 : 500, { 'Content-Type': 'text/plain' });
      res.end(bad ? 'bad request\n' : 'internal error\n');
    }
  }

  return { handle, counters, pending: () => Promise.allSettled([...inFlight]) };
}

module.exports = { createApp, parseCookies };
