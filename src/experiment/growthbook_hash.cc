#include "experiment/growthbook_hash.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace headliner {

uint32_t Fnv1a32(absl::string_view bytes) {
  uint32_t h = 0x811c9dc5u;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x01000193u;  // unsigned: wraps mod 2^32, as the SDKs' arithmetic does
  }
  return h;
}

double GrowthBookHash(absl::string_view seed, absl::string_view value, int version) {
  if (version == 2) {
    const uint32_t inner = Fnv1a32(absl::StrCat(seed, value));
    return static_cast<double>(Fnv1a32(absl::StrCat(inner)) % 10000) / 10000;
  }
  if (version == 1) return static_cast<double>(Fnv1a32(absl::StrCat(value, seed)) % 1000) / 1000;
  return -1;
}

bool InGrowthBookNamespace(absl::string_view unit, absl::string_view id, double start, double end) {
  const double n = GrowthBookHash(absl::StrCat("__", id), unit, 1);
  return n >= start && n < end;
}

std::vector<std::pair<double, double>> GrowthBookBucketRanges(std::span<const double> weights,
                                                              double coverage) {
  std::vector<std::pair<double, double>> ranges;
  double cumulative = 0;
  for (double w : weights) {
    const double start = cumulative;
    cumulative += w;
    ranges.emplace_back(start, start + coverage * w);
  }
  return ranges;
}

int ChooseGrowthBookVariation(double n, std::span<const std::pair<double, double>> ranges) {
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (n >= ranges[i].first && n < ranges[i].second) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace headliner
