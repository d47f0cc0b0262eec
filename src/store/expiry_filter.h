// Removes click state that has aged out, inside RocksDB compactions: click event ids older than
// the duplicate window, and sessions idle for longer than the session timeout. "Now" is the
// newest click time applied so far (event time), so replaying old data expires nothing early and
// nothing needs a wall clock. Without this the event-id table would grow with every click forever.
#ifndef HEADLINER_STORE_EXPIRY_FILTER_H_
#define HEADLINER_STORE_EXPIRY_FILTER_H_

#include <atomic>
#include <cstdint>
#include <limits>

#include "rocksdb/compaction_filter.h"

namespace headliner {

// The newest event time seen. Thread-safe.
class EventClock {
 public:
  void Observe(int64_t micros) {
    int64_t seen = newest_.load(std::memory_order_relaxed);
    while (micros > seen && !newest_.compare_exchange_weak(seen, micros)) {
    }
  }
  // INT64_MIN until an event is observed.
  int64_t Now() const { return newest_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> newest_{std::numeric_limits<int64_t>::min()};
};

class ExpiryFilter : public rocksdb::CompactionFilter {
 public:
  // Where a value keeps its time: click events are one int64; sessions end with their newest
  // click's time (the last 8 bytes).
  enum class Layout { kTimeOnly, kTimeAtEnd };

  // `clock` must outlive the filter. A `ttl_micros` of 0 keeps everything.
  ExpiryFilter(const EventClock& clock, int64_t ttl_micros, Layout layout, const char* name)
      : clock_(clock), ttl_micros_(ttl_micros), layout_(layout), name_(name) {}

  bool Filter(int level, const rocksdb::Slice& key, const rocksdb::Slice& value,
              std::string* new_value, bool* value_changed) const override;
  const char* Name() const override { return name_; }

 private:
  const EventClock& clock_;
  const int64_t ttl_micros_;
  const Layout layout_;
  const char* const name_;
};

}  // namespace headliner

#endif  // HEADLINER_STORE_EXPIRY_FILTER_H_
