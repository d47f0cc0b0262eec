// HistogramCounts: observations counted in fixed buckets, with their sum: the shape Prometheus
// histograms and the Stats RPC report. A plain value type; whoever holds one guards it.
#ifndef HEADLINER_COMMON_HISTOGRAM_COUNTS_H_
#define HEADLINER_COMMON_HISTOGRAM_COUNTS_H_

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace headliner {

struct HistogramCounts {
  HistogramCounts() = default;
  // `bounds` ascending: bucket i holds observations in (bounds[i-1], bounds[i]]; one more bucket
  // holds those above the last bound.
  explicit HistogramCounts(std::vector<double> bounds)
      : bounds(std::move(bounds)), counts(this->bounds.size() + 1, 0) {}

  void Observe(double value) {
    const size_t bucket =
        static_cast<size_t>(std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin());
    ++counts[bucket];
    sum += value;
    ++count;
  }

  std::vector<double> bounds;
  std::vector<uint64_t> counts;  // bounds.size() + 1, not cumulative
  double sum = 0;
  uint64_t count = 0;
};

}  // namespace headliner

#endif  // HEADLINER_COMMON_HISTOGRAM_COUNTS_H_
