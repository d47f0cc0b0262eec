#include "kafka/ingest_status.h"

#include <algorithm>

namespace headliner {

const char* IngestStateName(IngestState state) {
  switch (state) {
    case IngestState::kDisconnected:
      return "disconnected";
    case IngestState::kJoining:
      return "joining";
    case IngestState::kCatchingUp:
      return "catching_up";
    case IngestState::kLive:
      return "live";
    case IngestState::kPausedStorage:
      return "paused_storage";
  }
  return "unknown";
}

void DeriveState(IngestStatus& status, bool storage_paused) {
  bool all_known = !status.partitions.empty();
  int64_t lag = 0;
  for (const PartitionStatus& p : status.partitions) {
    if (p.high_watermark < 0) all_known = false;
    lag += std::max<int64_t>(0, p.high_watermark - p.next_offset);
  }
  status.total_lag = all_known ? lag : -1;
  if (storage_paused) {
    status.state = IngestState::kPausedStorage;
  } else if (!status.connected) {
    status.state = IngestState::kDisconnected;
  } else if (status.partitions.empty()) {
    status.state = IngestState::kJoining;
  } else {
    status.state = all_known && lag == 0 ? IngestState::kLive : IngestState::kCatchingUp;
  }
}

}  // namespace headliner
