// Owns a list of librdkafka TopicPartition objects (the C++ API hands out raw pointers).
#ifndef HEADLINER_KAFKA_PARTITION_LIST_H_
#define HEADLINER_KAFKA_PARTITION_LIST_H_

#include <vector>

#include "librdkafka/rdkafkacpp.h"

namespace headliner {

struct PartitionList {
  PartitionList() = default;
  PartitionList(const PartitionList&) = delete;
  PartitionList& operator=(const PartitionList&) = delete;
  ~PartitionList() { RdKafka::TopicPartition::destroy(items); }
  std::vector<RdKafka::TopicPartition*> items;
};

}  // namespace headliner

#endif  // HEADLINER_KAFKA_PARTITION_LIST_H_
