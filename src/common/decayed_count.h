// An exponentially time-decayed count: each event contributes 2^(-age / half_life). Kept as the
// value at one reference time (the latest event seen), so it needs no clock and replays give the
// same result: adding events in the same order always yields the same bits.
#ifndef HEADLINER_COMMON_DECAYED_COUNT_H_
#define HEADLINER_COMMON_DECAYED_COUNT_H_

#include <cmath>
#include <cstdint>

#include "absl/time/time.h"

namespace headliner {

struct DecayedCount {
  double value = 0;  // the decayed count as of `as_of_micros`
  int64_t as_of_micros = 0;

  // Adds `weight` at time `micros`. An event older than the reference time is decayed to it; a
  // newer one moves the reference forward.
  void Add(double weight, int64_t micros, absl::Duration half_life) {
    if (value == 0 || micros >= as_of_micros) {
      value = value * Factor(micros - as_of_micros, half_life) + weight;
      as_of_micros = micros;
    } else {
      value += weight * Factor(as_of_micros - micros, half_life);
    }
  }

  // The count as of `micros` (never grows: a time before the reference returns the value at it).
  double ValueAt(int64_t micros, absl::Duration half_life) const {
    if (value == 0 || micros <= as_of_micros) return value;
    return value * Factor(micros - as_of_micros, half_life);
  }

 private:
  static double Factor(int64_t age_micros, absl::Duration half_life) {
    return std::exp2(-static_cast<double>(age_micros) /
                     static_cast<double>(absl::ToInt64Microseconds(half_life)));
  }
};

}  // namespace headliner

#endif  // HEADLINER_COMMON_DECAYED_COUNT_H_
