'use strict';
// The articles the site can render: in this example a JSON-lines file in the `articles` topic's
// JSON schema (what `headliner-cli sample` writes), standing in for a news site's CMS, plus what
// related lists have shown (their items carry headline, section, url and time). In memory; the
// file is read once at start.
const fs = require('node:fs');

// Milliseconds since the epoch of a JSON Timestamp ("2026-12-02T10:00:00Z") or a grpc-js one
// ({seconds, nanos}); NaN when absent or malformed.
function timestampMs(ts) {
  if (!ts) return NaN;
  if (typeof ts === 'string') return Date.parse(ts);
  if (typeof ts === 'object' && ts.seconds !== undefined) {
    return Number(ts.seconds) * 1000 + Math.floor(Number(ts.nanos || 0) / 1e6);
  }
  return NaN;
}

class Catalog {
  constructor() {
    this.byId = new Map(); // id -> {id, headline, url, section, publishedMs}
  }

  // Reads `file`; returns the number of lines skipped as malformed (each logged).
  loadFile(file, log) {
    let skipped = 0;
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const a = JSON.parse(line);
        if (typeof a.id !== 'string' || !a.id || typeof a.headline !== 'string') {
          throw new Error('needs string "id" and "headline"');
        }
        if (a.deleted) this.byId.delete(a.id);
        else this.add(a);
      } catch (err) {
        skipped += 1;
        if (skipped <= 10) log('warn', `catalog ${file}:${i + 1}: skipped: ${err.message}`);
      }
    });
    return skipped;
  }

  // Adds or replaces an article given in the proto's field names (JSON or grpc-js objects).
  add(a) {
    this.byId.set(a.id || a.article_id, {
      id: a.id || a.article_id,
      headline: a.headline,
      url: a.url || '',
      section: a.section || '',
      publishedMs: timestampMs(a.published_at),
    });
  }

  get(id) {
    return this.byId.get(id);
  }

  // The `n` most recently published articles, newest first.
  latest(n) {
    return [...this.byId.values()]
      .sort((x, y) => (y.publishedMs || 0) - (x.publishedMs || 0))
      .slice(0, n);
  }

  get size() {
    return this.byId.size;
  }
}

module.exports = { Catalog, timestampMs };
