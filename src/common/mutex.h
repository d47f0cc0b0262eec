// absl::Mutex, made visible to ThreadSanitizer. Debian's abseil is not built with TSan: an
// uncontended absl::Mutex::Lock is an atomic instruction inside the uninstrumented library, so a
// TSan build (scripts/sanitize thread) cannot see it and reports a race on everything the mutex
// guards. Under TSan, Mutex tells the sanitizer about each acquire and release (its mutex
// annotation interface); in every other build it is absl::Mutex and nothing more. The project uses
// this type and its scoped locks instead of absl's directly; thread-safety annotations
// (ABSL_GUARDED_BY and friends) work the same.
#ifndef HEADLINER_COMMON_MUTEX_H_
#define HEADLINER_COMMON_MUTEX_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define HEADLINER_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define HEADLINER_TSAN 1
#endif

#ifdef HEADLINER_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace headliner {

class ABSL_LOCKABLE Mutex {
 public:
  Mutex() { Annotate(kCreate); }
  ~Mutex() { Annotate(kDestroy); }
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    Annotate(kPreLock);
    mu_.Lock();
    Annotate(kPostLock);
  }
  void Unlock() ABSL_UNLOCK_FUNCTION() {
    Annotate(kPreUnlock);
    mu_.Unlock();
    Annotate(kPostUnlock);
  }
  void ReaderLock() ABSL_SHARED_LOCK_FUNCTION() {
    Annotate(kPreReaderLock);
    mu_.ReaderLock();
    Annotate(kPostReaderLock);
  }
  void ReaderUnlock() ABSL_UNLOCK_FUNCTION() {
    Annotate(kPreReaderUnlock);
    mu_.ReaderUnlock();
    Annotate(kPostReaderUnlock);
  }
  // Releases the mutex until `condition` holds or `timeout` passes, then holds it again; returns
  // whether the condition holds.
  bool AwaitWithTimeout(const absl::Condition& condition, absl::Duration timeout)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(this) {
    Annotate(kPreUnlock);
    Annotate(kPostUnlock);
    const bool held = mu_.AwaitWithTimeout(condition, timeout);
    Annotate(kPreLock);
    Annotate(kPostLock);
    return held;
  }

 private:
  enum Event {
    kCreate,
    kDestroy,
    kPreLock,
    kPostLock,
    kPreUnlock,
    kPostUnlock,
    kPreReaderLock,
    kPostReaderLock,
    kPreReaderUnlock,
    kPostReaderUnlock
  };

#ifdef HEADLINER_TSAN
  void Annotate(Event e) {
    void* addr = &mu_;
    switch (e) {
      case kCreate:
        __tsan_mutex_create(addr, 0);
        break;
      case kDestroy:
        __tsan_mutex_destroy(addr, 0);
        break;
      case kPreLock:
        __tsan_mutex_pre_lock(addr, 0);
        break;
      case kPostLock:
        __tsan_mutex_post_lock(addr, 0, 0);
        break;
      case kPreUnlock:
        __tsan_mutex_pre_unlock(addr, 0);
        break;
      case kPostUnlock:
        __tsan_mutex_post_unlock(addr, 0);
        break;
      case kPreReaderLock:
        __tsan_mutex_pre_lock(addr, __tsan_mutex_read_lock);
        break;
      case kPostReaderLock:
        __tsan_mutex_post_lock(addr, __tsan_mutex_read_lock, 0);
        break;
      case kPreReaderUnlock:
        __tsan_mutex_pre_unlock(addr, __tsan_mutex_read_lock);
        break;
      case kPostReaderUnlock:
        __tsan_mutex_post_unlock(addr, __tsan_mutex_read_lock);
        break;
    }
  }
#else
  void Annotate(Event) {}
#endif

  absl::Mutex mu_;
};

// Holds `mu` exclusively for its scope.
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(*mu) { mu_.Lock(); }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_.Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mu_;
};

// Holds `mu` shared for its scope.
class ABSL_SCOPED_LOCKABLE ReaderMutexLock {
 public:
  explicit ReaderMutexLock(Mutex* mu) ABSL_SHARED_LOCK_FUNCTION(mu) : mu_(*mu) { mu_.ReaderLock(); }
  ~ReaderMutexLock() ABSL_UNLOCK_FUNCTION() { mu_.ReaderUnlock(); }
  ReaderMutexLock(const ReaderMutexLock&) = delete;
  ReaderMutexLock& operator=(const ReaderMutexLock&) = delete;

 private:
  Mutex& mu_;
};

}  // namespace headliner

#endif  // HEADLINER_COMMON_MUTEX_H_
