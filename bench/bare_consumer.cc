#include "bare_consumer.h"

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "kafka/kafka_client_config.h"

namespace headliner::bench {

std::unique_ptr<RdKafka::KafkaConsumer> BareConsumer(const std::string& brokers,
                                                     const std::vector<std::string>& topics) {
  std::unique_ptr<RdKafka::Conf> conf = *MakeKafkaConf(
      brokers,
      {{"group.id", "bench-floor"}, {"enable.auto.commit", "false"}, {"fetch.wait.max.ms", "100"}},
      {});
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> c(RdKafka::KafkaConsumer::create(conf.get(), error));
  std::vector<RdKafka::TopicPartition*> parts;
  for (const std::string& t : topics) {
    for (int p = 0; p < 3; ++p) {
      parts.push_back(RdKafka::TopicPartition::create(t, p, RdKafka::Topic::OFFSET_BEGINNING));
    }
  }
  c->assign(parts);
  RdKafka::TopicPartition::destroy(parts);
  return c;
}

double BareConsumerSeconds(const std::string& brokers, const std::vector<std::string>& topics,
                           int64_t total) {
  std::unique_ptr<RdKafka::KafkaConsumer> c = BareConsumer(brokers, topics);
  int64_t n = 0;
  absl::Time first;
  while (n < total) {
    std::unique_ptr<RdKafka::Message> m(c->consume(1000));
    if (m->err() != RdKafka::ERR_NO_ERROR) continue;
    if (n++ == 0) first = absl::Now();
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - first);
  c->close();
  return seconds;
}

}  // namespace headliner::bench
