'use strict';
// An example news site: article pages with Headliner's related headlines, clicks published back
// to Kafka. Configured by environment variables (lib/config.js lists them with their defaults):
//   HEADLINER_ADDR=127.0.0.1:50051 KAFKA_BROKERS=127.0.0.1:9092 CATALOG=catalog.jsonl node server.js
const http = require('node:http');
const { loadConfig } = require('./lib/config');
const { Catalog } = require('./lib/catalog');
const { RelatedClient } = require('./lib/related_client');
const { ClickPublisher } = require('./lib/click_publisher');
const { createApp } = require('./lib/app');

function log(level, message) {
  process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} frontend: ${message}\n`);
}

function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    log('error', `bad configuration: ${err.message}`);
    process.exit(2);
  }
  const catalog = new Catalog();
  if (config.catalog) {
    const skipped = catalog.loadFile(config.catalog, log);
    log('info', `catalog: ${catalog.size} articles from ${config.catalog} (${skipped} skipped)`);
  }
  const related = new RelatedClient(config.protoDir, config.headlinerAddr);
  const publisher = config.kafkaBrokers.length
    ? new ClickPublisher(config.protoDir, config.kafkaBrokers, config.clicksTopic, log)
    : null;
  const app = createApp({ config, related, publisher, catalog, log });
  const server = http.createServer((req, res) => app.handle(req, res));
  server.on('error', (err) => {
    log('error', `cannot listen on ${config.listenHost}:${config.listenPort}: ${err.message}`);
    process.exit(1);
  });
  server.listen(config.listenPort, config.listenHost, () => {
    const { port } = server.address();
    log('info', `serving http://${config.listenHost}:${port}/ (Headliner at ${config.headlinerAddr}` +
      `, clicks to ${publisher ? `${config.clicksTopic} at ${config.kafkaBrokers}` : 'nowhere'})`);
  });
  const stop = async () => {
    server.close();
    await app.pending(); // clicks already accepted still reach Kafka
    if (publisher) await publisher.close();
    related.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
