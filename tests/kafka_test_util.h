// Kafka helpers for tests: read every message of a topic (dead-letter checks) and wait for a
// condition.
#ifndef HEADLINER_TESTS_KAFKA_TEST_UTIL_H_
#define HEADLINER_TESTS_KAFKA_TEST_UTIL_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "kafka/kafka_client_config.h"
#include "librdkafka/rdkafkacpp.h"

namespace headliner::testing {

struct ReadMessage {
  std::string key;
  std::string payload;
  std::map<std::string, std::string> headers;
};

// Reads partitions [0, partitions) of `topic` from the beginning until `want` messages arrived or
// `timeout` passed.
inline std::vector<ReadMessage> ReadTopic(const std::string& brokers, const std::string& topic,
                                          int partitions, size_t want, absl::Duration timeout) {
  std::unique_ptr<RdKafka::Conf> conf =
      *MakeKafkaConf(brokers, {{"group.id", "test-reader"}, {"enable.auto.commit", "false"}}, {});
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), error));
  std::vector<RdKafka::TopicPartition*> assignment;
  for (int p = 0; p < partitions; ++p) {
    assignment.push_back(
        RdKafka::TopicPartition::create(topic, p, RdKafka::Topic::OFFSET_BEGINNING));
  }
  consumer->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  std::vector<ReadMessage> out;
  const absl::Time deadline = absl::Now() + timeout;
  while (out.size() < want && absl::Now() < deadline) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(100));
    if (m->err() != RdKafka::ERR_NO_ERROR) continue;
    ReadMessage r;
    if (m->key() != nullptr) r.key = *m->key();
    if (m->payload() != nullptr) r.payload.assign(static_cast<const char*>(m->payload()), m->len());
    if (RdKafka::Headers* h = m->headers()) {
      for (const RdKafka::Headers::Header& header : h->get_all()) {
        r.headers[header.key()] =
            std::string(static_cast<const char*>(header.value()), header.value_size());
      }
    }
    out.push_back(std::move(r));
  }
  consumer->close();
  return out;
}

// The offsets `group` committed for partitions [0, partitions) of `topic`, summed (a partition
// without a commit counts 0), or -1 when the broker did not answer.
inline int64_t CommittedOffsets(const std::string& brokers, const std::string& group,
                                const std::string& topic, int partitions) {
  std::unique_ptr<RdKafka::Conf> conf =
      *MakeKafkaConf(brokers, {{"group.id", group}, {"enable.auto.commit", "false"}}, {});
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), error));
  std::vector<RdKafka::TopicPartition*> parts;
  for (int p = 0; p < partitions; ++p) parts.push_back(RdKafka::TopicPartition::create(topic, p));
  int64_t sum = consumer->committed(parts, 5000) == RdKafka::ERR_NO_ERROR ? 0 : -1;
  for (const RdKafka::TopicPartition* p : parts) {
    if (sum >= 0 && p->offset() >= 0) sum += p->offset();
  }
  RdKafka::TopicPartition::destroy(parts);
  consumer->close();
  return sum;
}

// Polls `done` every 20 ms until it holds or `timeout` passes; returns its last value.
inline bool WaitFor(const std::function<bool()>& done, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return done();
}

}  // namespace headliner::testing

#endif  // HEADLINER_TESTS_KAFKA_TEST_UTIL_H_
