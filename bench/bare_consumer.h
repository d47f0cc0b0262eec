// The floor the ingestion benchmarks compare with: a bare librdkafka consumer that only reads.
#ifndef HEADLINER_BENCH_BARE_CONSUMER_H_
#define HEADLINER_BENCH_BARE_CONSUMER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "librdkafka/rdkafkacpp.h"

namespace headliner::bench {

// A consumer assigned partitions 0-2 of each of `topics` from the beginning, without a group
// commit.
std::unique_ptr<RdKafka::KafkaConsumer> BareConsumer(const std::string& brokers,
                                                     const std::vector<std::string>& topics);

// Seconds a bare consumer takes from the first of `total` messages of `topics` to the last.
double BareConsumerSeconds(const std::string& brokers, const std::vector<std::string>& topics,
                           int64_t total);

}  // namespace headliner::bench

#endif  // HEADLINER_BENCH_BARE_CONSUMER_H_
