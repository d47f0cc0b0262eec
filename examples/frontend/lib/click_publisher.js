'use strict';
// Publishes a reader's clicks to the `clicks` topic as headliner.v1.ClickEvent protobuf messages
// (the service's click.proto, encoded with protobufjs), keyed by the reader so that one reader's
// clicks stay in order within a partition (murmur2, as Java clients partition). One kafkajs
// producer for the process. It is not Kafka-idempotent, and needs not be: a retry that writes a
// click twice writes the same event_id, and the service applies each event id once.
const path = require('node:path');
const protobuf = require('protobufjs');
const { Kafka, logLevel, Partitioners } = require('kafkajs');

class ClickPublisher {
  // `brokers`: ["host:port", ...]; `log(level, message)` gets kafkajs' warnings and errors.
  constructor(protoDir, brokers, topic, log) {
    const root = new protobuf.Root();
    root.resolvePath = (origin, target) =>
      target.startsWith('google/protobuf/') ? target : path.join(protoDir, target);
    root.loadSync('headliner/v1/click.proto', { keepCase: true });
    this.ClickEvent = root.lookupType('headliner.v1.ClickEvent');
    this.topic = topic;
    const kafka = new Kafka({
      clientId: 'headliner-frontend',
      brokers,
      retry: { retries: 3, initialRetryTime: 100 },
      logLevel: logLevel.WARN,
      logCreator: () => ({ level, log: entry }) =>
        log(level <= logLevel.ERROR ? 'error' : 'warn', `kafka: ${entry.message}`),
    });
    this.producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    this.connected = null; // the connect promise, made again after a failure
  }

  // The ClickEvent's bytes for `click` ({event_id, user_id, session_id, article_id,
  // source_article_id, token, position, occurred_at: Date}).
  encode(click) {
    const ms = click.occurred_at.getTime();
    const message = this.ClickEvent.fromObject({
      ...click,
      occurred_at: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 },
    });
    return Buffer.from(this.ClickEvent.encode(message).finish());
  }

  // Resolves once the broker has acknowledged the click (acks from all in-sync replicas).
  async publish(click) {
    if (!this.connected) {
      this.connected = this.producer.connect().catch((err) => {
        this.connected = null;
        throw err;
      });
    }
    await this.connected;
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: [{ key: click.session_id || click.user_id, value: this.encode(click) }],
    });
  }

  async close() {
    if (this.connected) await this.producer.disconnect().catch(() => {});
  }
}

module.exports = { ClickPublisher };
