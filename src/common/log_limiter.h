// Admits at most `lines` log lines per `window` and counts the rest, for every log line that a
// request or a message can cause (a flood of bad input must not become a flood of log). The first
// line admitted in a new window learns how many were dropped in the windows before it.
//
// Thread-safe.
#ifndef HEADLINER_COMMON_LOG_LIMITER_H_
#define HEADLINER_COMMON_LOG_LIMITER_H_

#include <cstdint>

#include "absl/time/time.h"
#include "common/mutex.h"

namespace headliner {

class LogLimiter {
 public:
  LogLimiter(int lines, absl::Duration window) : lines_(lines), window_(window) {}

  // Whether a line may be written at `now`. When it may and lines were dropped since the last
  // admitted one, `*dropped` (if given) receives their number; otherwise it receives 0.
  bool Admit(absl::Time now, uint64_t* dropped = nullptr);

  // Lines dropped since construction.
  uint64_t dropped_total() const;

 private:
  const int lines_;
  const absl::Duration window_;
  mutable Mutex mu_;
  absl::Time window_start_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  int admitted_in_window_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t dropped_since_admitted_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t dropped_total_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace headliner

#endif  // HEADLINER_COMMON_LOG_LIMITER_H_
