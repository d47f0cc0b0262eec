// Publishes the Engine to the gRPC services once it is open (indexes restored). The server
// listens before that, so health checks answer NOT_SERVING while a large catalog loads; until the
// engine is published the services answer UNAVAILABLE.
//
// HeadlinerServer, which owns the engine, is the one writer; every RPC reads. The engine outlives
// every call that saw it: the server drains in-flight calls before it closes the engine.
#ifndef HEADLINER_SERVE_SERVING_STATE_H_
#define HEADLINER_SERVE_SERVING_STATE_H_

#include <atomic>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "engine/engine.h"

namespace headliner {

class ServingState {
 public:
  ServingState() : started_(absl::Now()) {}

  // Null until published, and again once withdrawn at shutdown.
  Engine* engine() const { return engine_.load(std::memory_order_acquire); }
  void Publish(Engine* engine) { engine_.store(engine, std::memory_order_release); }
  void Withdraw() { engine_.store(nullptr, std::memory_order_release); }

  absl::Duration uptime() const { return absl::Now() - started_; }

 private:
  std::atomic<Engine*> engine_{nullptr};
  const absl::Time started_;
};

}  // namespace headliner

#endif  // HEADLINER_SERVE_SERVING_STATE_H_
