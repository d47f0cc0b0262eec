#include "common/log_limiter.h"

namespace headliner {

bool LogLimiter::Admit(absl::Time now, uint64_t* dropped) {
  MutexLock lock(&mu_);
  if (dropped != nullptr) *dropped = 0;
  if (now - window_start_ >= window_) {
    window_start_ = now;
    admitted_in_window_ = 0;
  }
  if (admitted_in_window_ >= lines_) {
    ++dropped_since_admitted_;
    ++dropped_total_;
    return false;
  }
  ++admitted_in_window_;
  if (dropped != nullptr) *dropped = dropped_since_admitted_;
  dropped_since_admitted_ = 0;
  return true;
}

uint64_t LogLimiter::dropped_total() const {
  MutexLock lock(&mu_);
  return dropped_total_;
}

}  // namespace headliner
