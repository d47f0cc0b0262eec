// A synthetic but realistic news catalog for the demo, tests and benchmarks: headlines grouped
// into stories (several outlets' takes on one event), across sections and editions in several
// languages, with publication times spread backwards from a given instant. Deterministic for a
// given seed and instant; needs no downloaded data.
//
// A story's language is a label drawn per story (about 70% "en", then "es", "de", "fr"): the
// headlines keep the English templates, which is enough to exercise language filters and the
// metadata that carries them, not language-specific text processing.
#ifndef HEADLINER_SAMPLE_SAMPLE_CATALOG_H_
#define HEADLINER_SAMPLE_SAMPLE_CATALOG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "headliner/v1/article.pb.h"

namespace headliner {

struct SampleCatalogOptions {
  int articles = 3000;
  uint64_t seed = 42;
  absl::Time newest = absl::FromUnixSeconds(1767225600);  // 2026-01-01
  absl::Duration span = absl::Hours(72);
  std::string id_prefix = "sample-";
};

struct SampleArticle {
  v1::Article article;
  std::string story;  // articles of one story share this label
};

std::vector<SampleArticle> GenerateSampleCatalog(const SampleCatalogOptions& options);

}  // namespace headliner

#endif  // HEADLINER_SAMPLE_SAMPLE_CATALOG_H_
