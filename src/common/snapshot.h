// An immutable value replaced as a whole: readers take a shared_ptr to the current one and keep
// it as long as they need (a request finishes on the config it started with), while a writer
// swaps in a new one. The lock is held only to copy or swap the pointer; the old value is freed
// outside it, by whoever drops the last reference.
//
// (std::atomic<std::shared_ptr> would do the same without a lock, but libstdc++ 12 implements it
// with a lock bit ThreadSanitizer cannot see, so every concurrent load and store looks like a
// race to it.)
//
// Thread-safe.
#ifndef HEADLINER_COMMON_SNAPSHOT_H_
#define HEADLINER_COMMON_SNAPSHOT_H_

#include <memory>
#include <utility>

#include "common/mutex.h"

namespace headliner {

template <typename T>
class Snapshot {
 public:
  Snapshot() = default;
  explicit Snapshot(std::shared_ptr<T> value) : value_(std::move(value)) {}

  std::shared_ptr<T> Load() const {
    ReaderMutexLock lock(&mu_);
    return value_;
  }
  // The previous value is released by the caller's copy of `value` going out of scope, after the
  // lock is released.
  void Store(std::shared_ptr<T> value) {
    {
      MutexLock lock(&mu_);
      value_.swap(value);
    }
  }

 private:
  mutable Mutex mu_;
  std::shared_ptr<T> value_ ABSL_GUARDED_BY(mu_);
};

}  // namespace headliner

#endif  // HEADLINER_COMMON_SNAPSHOT_H_
