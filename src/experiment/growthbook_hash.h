// GrowthBook's assignment arithmetic, so that a reader gets the same variant here as from
// GrowthBook's SDKs given the same experiment, and an analyst can recompute any assignment in a
// few lines (README, "Running an experiment"). As GrowthBook documents it (its JS SDK's util.ts):
//   fnv1a32(s)             FNV-1a, 32 bits, over the bytes of s
//   hash(seed, value, 2) = fnv1a32(decimal(fnv1a32(seed + value))) % 10000 / 10000   in [0, 1)
//   hash(seed, value, 1) = fnv1a32(value + seed) % 1000 / 1000   (namespaces use this one)
//   in namespace (id, start, end): start <= hash("__" + id, unit, 1) < end
//   bucket ranges: variant i covers [W_i, W_i + coverage * w_i), W_i the weights before it
// The SDKs hash UTF-16 code units (JS) or code points; this hashes bytes, which agrees for ASCII
// unit ids (the usual UUIDs and numeric ids).
#ifndef HEADLINER_EXPERIMENT_GROWTHBOOK_HASH_H_
#define HEADLINER_EXPERIMENT_GROWTHBOOK_HASH_H_

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace headliner {

uint32_t Fnv1a32(absl::string_view bytes);

// GrowthBook's hash of `value` with `seed` into [0, 1), version 1 or 2 (other versions: -1).
double GrowthBookHash(absl::string_view seed, absl::string_view value, int version);

// Whether `unit` falls in [start, end) of the namespace `id` (a layer, here).
bool InGrowthBookNamespace(absl::string_view unit, absl::string_view id, double start, double end);

// [start, end) of each variant: `weights` (summing to 1) laid end to end, each range cut to
// `coverage` (in [0, 1]) of its weight.
std::vector<std::pair<double, double>> GrowthBookBucketRanges(std::span<const double> weights,
                                                              double coverage);

// The variant whose range holds `n`, or -1 (outside the coverage).
int ChooseGrowthBookVariation(double n, std::span<const std::pair<double, double>> ranges);

}  // namespace headliner

#endif  // HEADLINER_EXPERIMENT_GROWTHBOOK_HASH_H_
