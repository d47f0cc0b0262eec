#include "kafka/clicks_gate.h"

namespace headliner {

bool ClicksGate::TryOpen(const std::function<std::optional<int64_t>(int32_t partition)>& reached) {
  if (!closed_ || !targets_) return false;
  for (const auto& [partition, target] : *targets_) {
    const std::optional<int64_t> at = reached(partition);
    if (at && *at < target) return false;
  }
  closed_ = false;
  return true;
}

}  // namespace headliner
