// Whether the service may answer yet: false until the index is restored at start-up. Shared by
// the services (readers) and HeadlinerServer (the one writer).
#ifndef HEADLINER_SERVE_SERVING_STATE_H_
#define HEADLINER_SERVE_SERVING_STATE_H_

#include <atomic>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace headliner {

class ServingState {
 public:
  ServingState() : started_(absl::Now()) {}
  bool ready() const { return ready_.load(std::memory_order_acquire); }
  void set_ready(bool ready) { ready_.store(ready, std::memory_order_release); }
  absl::Duration uptime() const { return absl::Now() - started_; }

 private:
  std::atomic<bool> ready_{false};
  const absl::Time started_;
};

}  // namespace headliner

#endif  // HEADLINER_SERVE_SERVING_STATE_H_
