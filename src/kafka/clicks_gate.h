// Articles before clicks: after a partition assignment the clicks partitions stay paused until
// every assigned articles partition has been applied up to its end offset as first seen after the
// assignment. A replica replaying history then does not reject clicks on articles it has not read
// yet, while clicks on articles published later still flow once the backlog is read.
//
// Pure bookkeeping, no Kafka calls: the ingestor pauses and resumes the partitions the gate says.
// Thread safety: none; owned by the ingest thread.
#ifndef HEADLINER_KAFKA_CLICKS_GATE_H_
#define HEADLINER_KAFKA_CLICKS_GATE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>

namespace headliner {

class ClicksGate {
 public:
  // A new assignment: the gate closes when it holds clicks partitions, and opens otherwise.
  void Reset(bool has_clicks_partitions) {
    closed_ = has_clicks_partitions;
    targets_.reset();
  }

  bool closed() const { return closed_; }
  // Closed and still waiting to learn the articles partitions' end offsets.
  bool needs_targets() const { return closed_ && !targets_; }

  // The end offset of each assigned articles partition (by partition number), as first seen after
  // the assignment. Only the first call after Reset() counts.
  void SetTargets(std::map<int32_t, int64_t> end_offsets) {
    if (needs_targets()) targets_ = std::move(end_offsets);
  }

  // Opens the gate if every target is reached. `reached(partition)` is the next offset to apply
  // of an articles partition, or empty when it is no longer assigned (which counts as reached).
  // Returns true only on the call that opens it.
  bool TryOpen(const std::function<std::optional<int64_t>(int32_t partition)>& reached);

 private:
  bool closed_ = false;
  std::optional<std::map<int32_t, int64_t>> targets_;
};

}  // namespace headliner

#endif  // HEADLINER_KAFKA_CLICKS_GATE_H_
