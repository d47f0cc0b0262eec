// A latency histogram with bounded relative error, for the load generator: values (nanoseconds)
// go into log-linear buckets (each power of two split into 64 sub-buckets, so a percentile is off
// by at most 1/64 = 1.6%), counted with relaxed atomics so that every completion thread records
// without a lock. The layout of HdrHistogram with two significant digits, in a page of code.
//
// Thread safety: Record from any thread; read (Percentile, count) once recording has stopped.
#ifndef HEADLINER_BENCH_LOAD_LATENCY_HISTOGRAM_H_
#define HEADLINER_BENCH_LOAD_LATENCY_HISTOGRAM_H_

#include <array>
#include <atomic>
#include <bit>
#include <cstdint>

namespace headliner::bench {

class LatencyHistogram {
 public:
  void Record(uint64_t nanos) {
    buckets_[Index(nanos)].fetch_add(1, std::memory_order_relaxed);
    uint64_t max = max_.load(std::memory_order_relaxed);
    while (nanos > max && !max_.compare_exchange_weak(max, nanos, std::memory_order_relaxed)) {
    }
  }

  void Reset() {
    for (auto& b : buckets_) b.store(0, std::memory_order_relaxed);
    max_.store(0, std::memory_order_relaxed);
  }

  uint64_t count() const {
    uint64_t n = 0;
    for (const auto& b : buckets_) n += b.load(std::memory_order_relaxed);
    return n;
  }
  uint64_t max() const { return max_.load(std::memory_order_relaxed); }

  // The value at or below which `q` (in [0, 1]) of the recorded values lie: the upper edge of
  // the bucket holding that rank (never above the recorded maximum).
  uint64_t Percentile(double q) const {
    const uint64_t total = count();
    if (total == 0) return 0;
    const uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(total - 1)) + 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < buckets_.size(); ++i) {
      seen += buckets_[i].load(std::memory_order_relaxed);
      if (seen >= rank) return std::min(UpperEdge(i), max());
    }
    return max();
  }

 private:
  static constexpr int kSubBits = 6;  // 64 sub-buckets per power of two
  static constexpr uint64_t kSub = uint64_t{1} << kSubBits;
  static constexpr size_t kBuckets = (64 - kSubBits + 1) * kSub;

  static size_t Index(uint64_t v) {
    if (v < kSub) return static_cast<size_t>(v);
    const int exponent = std::bit_width(v) - 1 - kSubBits;  // >= 0
    const uint64_t mantissa = v >> exponent;                // in [kSub, 2 * kSub)
    return static_cast<size_t>((exponent + 1) * kSub + (mantissa - kSub));
  }
  static uint64_t UpperEdge(size_t i) {
    if (i < kSub) return i;
    const int exponent = static_cast<int>(i / kSub) - 1;
    const uint64_t mantissa = kSub + i % kSub;
    return ((mantissa + 1) << exponent) - 1;
  }

  std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
  std::atomic<uint64_t> max_{0};
};

}  // namespace headliner::bench

#endif  // HEADLINER_BENCH_LOAD_LATENCY_HISTOGRAM_H_
