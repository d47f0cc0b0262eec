'use strict';
// The frontend's options: defaults, overridden by the environment, validated once at start. A bad
// value is refused with a message naming its variable.
const path = require('node:path');

const DEFAULTS = {
  FRONTEND_ADDR: '127.0.0.1:3000', // where the web app listens
  HEADLINER_ADDR: '127.0.0.1:50051', // Headliner's public gRPC address (RelatedHeadlines)
  KAFKA_BROKERS: '127.0.0.1:9092', // where clicks go; empty: clicks are not published
  CLICKS_TOPIC: 'clicks',
  CATALOG: '', // a JSON-lines file of articles (the site's CMS in this example); empty: none
  PROTO_DIR: path.resolve(__dirname, '..', '..', '..', 'proto'), // the service's wire contract
  RELATED_LIMIT: '10', // headlines under an article
  RELATED_DEADLINE_MS: '250', // past it the page is served without the widget
  CLICK_WAIT_MS: '500', // how long a click's redirect waits for Kafka's acknowledgement
  SITE_NAME: 'The Daily Headliner',
};

function hostPort(name, value) {
  const m = /^(.*):(\d{1,5})$/.exec(value);
  if (!m || !m[1] || Number(m[2]) > 65535) {
    throw new Error(`${name}: "${value}" is not host:port`);
  }
  return { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

function integer(name, value, min, max) {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new Error(`${name}: "${value}" is not an integer in [${min}, ${max}]`);
  }
  return Number(value);
}

// Returns the validated options from `env` (process.env by default); throws an Error naming the
// variable on a bad value.
function loadConfig(env = process.env) {
  const v = (name) => (env[name] !== undefined ? env[name] : DEFAULTS[name]);
  const listen = hostPort('FRONTEND_ADDR', v('FRONTEND_ADDR'));
  hostPort('HEADLINER_ADDR', v('HEADLINER_ADDR'));
  const brokers = v('KAFKA_BROKERS').split(',').map((b) => b.trim()).filter(Boolean);
  brokers.forEach((b) => hostPort('KAFKA_BROKERS', b));
  const protoDir = v('PROTO_DIR');
  const fs = require('node:fs');
  if (!fs.existsSync(path.join(protoDir, 'headliner', 'v1', 'related.proto'))) {
    throw new Error(`PROTO_DIR: no headliner/v1/related.proto under "${protoDir}"`);
  }
  const catalog = v('CATALOG');
  if (catalog && !fs.existsSync(catalog)) throw new Error(`CATALOG: no file "${catalog}"`);
  if (!v('CLICKS_TOPIC') && brokers.length) throw new Error('CLICKS_TOPIC: empty');
  return {
    listenHost: listen.host,
    listenPort: listen.port,
    headlinerAddr: v('HEADLINER_ADDR'),
    kafkaBrokers: brokers,
    clicksTopic: v('CLICKS_TOPIC'),
    catalog,
    protoDir,
    relatedLimit: integer('RELATED_LIMIT', v('RELATED_LIMIT'), 1, 100),
    relatedDeadlineMs: integer('RELATED_DEADLINE_MS', v('RELATED_DEADLINE_MS'), 1, 60000),
    clickWaitMs: integer('CLICK_WAIT_MS', v('CLICK_WAIT_MS'), 0, 60000),
    siteName: v('SITE_NAME'),
  };
}

module.exports = { loadConfig, DEFAULTS };
