'use strict';
// Server-side HTML of the site's pages. Every value from outside (headlines, ids, tokens) goes
// through escapeHtml or encodeURIComponent.

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) =>
    ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
}

// "just now", "5 min ago", "3 h ago", "2 days ago", or "" when the time is unknown.
function age(publishedMs, nowMs) {
  if (!Number.isFinite(publishedMs)) return '';
  const s = Math.max(0, (nowMs - publishedMs) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  const d = Math.floor(s / 86400);
  return d === 1 ? '1 day ago' : `${d} days ago`;
}

function dateLine(publishedMs) {
  if (!Number.isFinite(publishedMs)) return '';
  return new Date(publishedMs).toUTCString().replace(/:\d\d GMT$/, ' GMT');
}

const STYLE = `
body{margin:0;font-family:Georgia,'Times New Roman',serif;color:#121212;background:#fff}
header{border-bottom:3px double #121212;padding:14px 24px 10px;display:flex;align-items:baseline;
 justify-content:space-between}
header .site{font-size:30px;font-weight:bold;letter-spacing:.5px;color:#121212;text-decoration:none}
header .reader{font:13px Helvetica,Arial,sans-serif;color:#555}
main{max-width:760px;margin:0 auto;padding:24px}
.section{font:bold 12px Helvetica,Arial,sans-serif;text-transform:uppercase;letter-spacing:1px;
 color:#a0001c}
h1{font-size:36px;line-height:1.15;margin:8px 0 10px}
.dateline{font:13px Helvetica,Arial,sans-serif;color:#666;margin-bottom:18px}
.standfirst{font-size:18px;line-height:1.5;color:#333;border-left:3px solid #ddd;padding-left:12px}
.topics{font:13px Helvetica,Arial,sans-serif;color:#555}
.related{margin-top:36px;border-top:1px solid #121212;padding-top:10px}
.related h2{font:bold 15px Helvetica,Arial,sans-serif;text-transform:uppercase;letter-spacing:1px}
.related ol{list-style:none;padding:0;margin:0}
.related li{padding:10px 0;border-bottom:1px solid #e2e2e2}
.related a{color:#121212;text-decoration:none;font-size:19px;line-height:1.3}
.related a:hover{text-decoration:underline}
.meta{display:block;font:12px Helvetica,Arial,sans-serif;color:#777;margin-top:3px}
.meta .section{font-size:11px;margin-right:8px}
.front li{padding:8px 0;border-bottom:1px solid #eee;list-style:none}
.front ol{padding:0}
.front a{color:#121212;text-decoration:none;font-size:18px}
footer{max-width:760px;margin:30px auto;padding:8px 24px;font:11px Menlo,monospace;color:#888;
 border-top:1px dashed #ccc;word-break:break-all}
`;

function layout({ siteName, title, reader, body, debug, path = '/' }) {
  const next = encodeURIComponent(path);
  const who = reader.userId
    ? `signed in as ${escapeHtml(reader.userId)} · <a href="/logout">sign out</a>`
    : `<a href="/login?user=reader-${escapeHtml(reader.sessionId.slice(0, 6))}&next=${next}">` +
      'sign in</a>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${escapeHtml(siteName)}</title><style>${STYLE}</style></head>
<body><header><a class="site" href="/">${escapeHtml(siteName)}</a>
<span class="reader">${who}</span></header>
<main>${body}</main>
<footer id="debug"${debug.attributes}>${debug.text}</footer>
</body></html>`;
}

// The related list's HTML, or "" when there is none to show.
function relatedWidget(sourceId, response, nowMs) {
  if (!response || !response.items.length) return '';
  const items = response.items
    .map((item, position) => {
      const href =
        `/click?to=${encodeURIComponent(item.article_id)}&from=${encodeURIComponent(sourceId)}` +
        `&pos=${position}&token=${encodeURIComponent(response.token)}`;
      const published = item.published_at
        ? Number(item.published_at.seconds) * 1000 + Math.floor(Number(item.published_at.nanos) / 1e6)
        : NaN;
      return `<li><a href="${href}" rel="nofollow" data-article-id="${escapeHtml(item.article_id)}"
 data-position="${position}">${escapeHtml(item.headline)}</a>
<span class="meta"><span class="section">${escapeHtml(item.section || 'news')}</span>${escapeHtml(
        age(published, nowMs),
      )}</span></li>`;
    })
    .join('\n');
  return `<section class="related" id="related" data-count="${response.items.length}">
<h2>Related headlines</h2><ol>${items}</ol></section>`;
}

// The article page. `related` is the GetRelated response, or null when the service did not answer
// (then the page has no widget); `debug` says why in the footer.
function articlePage({ siteName, article, related, reader, nowMs, debug }) {
  const body = `<article data-article-id="${escapeHtml(article.id)}">
<div class="section">${escapeHtml(article.section || 'news')}</div>
<h1>${escapeHtml(article.headline)}</h1>
<div class="dateline">${escapeHtml(dateLine(article.publishedMs))}${
    article.url ? ` · <a href="${escapeHtml(article.url)}">original</a>` : ''
  }</div>
<p class="standfirst">The demo catalog carries headlines only: a news site renders the story's text
here. Below it, Headliner's related headlines for this reader.</p>
</article>
${relatedWidget(article.id, related, nowMs)}`;
  const path = `/article/${encodeURIComponent(article.id)}`;
  return layout({ siteName, title: article.headline, reader, body, debug, path });
}

function frontPage({ siteName, articles, reader, nowMs }) {
  const items = articles
    .map(
      // Through /click too: the front page's clicks are part of the reader's session history.
      (a) => `<li><a href="/click?to=${encodeURIComponent(a.id)}" rel="nofollow">${escapeHtml(
        a.headline,
      )}</a>
<span class="meta"><span class="section">${escapeHtml(a.section || 'news')}</span>${escapeHtml(
        age(a.publishedMs, nowMs),
      )}</span></li>`,
    )
    .join('\n');
  const body = `<section class="front"><h2 class="section">Latest</h2><ol>${
    items || '<li>No articles in the catalog yet.</li>'
  }</ol></section>`;
  return layout({ siteName, title: 'Latest', reader, body, debug: { attributes: '', text: '' } });
}

function notFoundPage({ siteName, id, reader }) {
  const body = `<h1>Article not found</h1><p>No article "${escapeHtml(id)}" here.
<a href="/">Latest headlines</a>.</p>`;
  return layout({ siteName, title: 'Not found', reader, body, debug: { attributes: '', text: '' } });
}

module.exports = { escapeHtml, age, articlePage, frontPage, notFoundPage, relatedWidget };
