// The request path's own cost, without gRPC: the served ranker over a data dir, driven by the load
// generator's request mix (request_mix.h: Zipf sources, sessions with clicks, a share with a
// section filter, limit 10) on one thread, reported as CPU microseconds per request of that thread
// (CLOCK_THREAD_CPUTIME_ID). Thread CPU time is what a request costs a core, and unlike QPS on
// this shared 2-core VM it does not move with the load generator or other processes.
//
// Variants of the configuration run alternately in the same process, each on a freshly opened
// Engine whose candidate lists the refresher has warmed first, as a serving replica's are:
//   build/bench/rank_bench --data_dir=/tmp/k100-copy --catalog=catalog.jsonl
//     --clicks=clicks.jsonl --variants='no
//     cache:storage.catalog_cache_mib=0;cache:storage.catalog_cache_mib=16'
// A variant is a label and comma-separated section.key=value overrides (none: the defaults).
// The data dir is opened writable (its index snapshots are rewritten at each close): use a copy.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "config/config.h"
#include "engine/engine.h"
#include "load/request_mix.h"
#include "serve/request_limits.h"

ABSL_FLAG(std::string, data_dir, "", "data dir to open (a copy: it is opened writable)");
ABSL_FLAG(std::string, catalog, "", "JSON lines of the catalog (headliner-cli sample)");
ABSL_FLAG(std::string, clicks, "", "JSON lines of the click history (headliner-cli simulate)");
ABSL_FLAG(int, requests, 20000, "requests per measurement");
ABSL_FLAG(int, rounds, 2, "rounds; each runs every variant once");
ABSL_FLAG(double, section_filter_share, 0.2, "share of requests with a section filter");
ABSL_FLAG(std::string, variants, "defaults:", "label:key=value,...;label:... (see the top)");

namespace headliner::bench {
namespace {

struct Variant {
  std::string label;
  std::string yaml;
};

// "storage.catalog_cache_mib=0,ranking.candidate_pool=40" -> YAML, one section block per key.
std::vector<Variant> ParseVariants(const std::string& text) {
  std::vector<Variant> out;
  for (absl::string_view v : absl::StrSplit(text, ';', absl::SkipEmpty())) {
    std::pair<std::string, std::string> label_keys = absl::StrSplit(v, absl::MaxSplits(':', 1));
    Variant variant{label_keys.first, ""};
    for (absl::string_view kv : absl::StrSplit(label_keys.second, ',', absl::SkipEmpty())) {
      std::pair<std::string, std::string> key_value = absl::StrSplit(kv, absl::MaxSplits('=', 1));
      std::pair<std::string, std::string> section_key =
          absl::StrSplit(key_value.first, absl::MaxSplits('.', 1));
      variant.yaml +=
          section_key.first + ":\n  " + section_key.second + ": " + key_value.second + "\n";
    }
    out.push_back(std::move(variant));
  }
  return out;
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Waits until the refresher has a list for every live article, or its count stops growing.
void WaitForLists(const Engine& engine) {
  const CandidateListCache* cache = engine.candidate_cache();
  if (cache == nullptr) return;
  uint64_t last = 0;
  int still = 0;
  const uint64_t live = engine.tables().articles().Counts().value_or(CatalogCounts{}).live;
  while (still < 25) {
    const uint64_t lists = cache->Stats().lists;
    if (lists >= live) return;
    still = lists == last ? still + 1 : 0;
    last = lists;
    absl::SleepFor(absl::Milliseconds(200));
  }
}

int Run() {
  RequestMixOptions mix;
  mix.catalog_path = absl::GetFlag(FLAGS_catalog);
  mix.clicks_path = absl::GetFlag(FLAGS_clicks);
  mix.requests = absl::GetFlag(FLAGS_requests);
  mix.section_filter_share = absl::GetFlag(FLAGS_section_filter_share);
  absl::StatusOr<std::vector<v1::GetRelatedRequest>> requests = DrawRequests(mix);
  if (!requests.ok()) {
    std::fprintf(stderr, "rank_bench: %s\n", requests.status().ToString().c_str());
    return 1;
  }
  const std::vector<Variant> variants = ParseVariants(absl::GetFlag(FLAGS_variants));
  std::printf("%-24s %5s %12s %12s %10s %10s %8s\n", "variant", "round", "cpu us/req",
              "wall us/req", "items/req", "filtered", "built");
  for (int round = 1; round <= absl::GetFlag(FLAGS_rounds); ++round) {
    for (const Variant& variant : variants) {
      Config config;
      if (absl::Status s = ApplyYaml(variant.yaml, variant.label, config); !s.ok()) {
        std::fprintf(stderr, "rank_bench: %s\n", s.ToString().c_str());
        return 1;
      }
      absl::StatusOr<std::unique_ptr<Engine>> engine =
          Engine::Open(absl::GetFlag(FLAGS_data_dir), config);
      if (!engine.ok()) {
        std::fprintf(stderr, "rank_bench: %s\n", engine.status().ToString().c_str());
        return 1;
      }
      (*engine)->StartBackgroundCompaction();
      WaitForLists(**engine);
      const Ranker& ranker = (*engine)->ranker();
      uint64_t items = 0, filtered = 0, built = 0;
      auto run = [&](size_t n) {
        for (size_t i = 0; i < n; ++i) {
          const v1::GetRelatedRequest& r = (*requests)[i % requests->size()];
          absl::StatusOr<RankResult> result =
              ranker.Rank(ToRankRequest(r, config.ranking, absl::Now()));
          if (!result.ok()) continue;
          items += result->items.size();
          filtered += result->filtered_search ? 1 : 0;
          built += static_cast<uint64_t>(result->lists_built);
        }
      };
      run(requests->size() / 10);  // warm-up: caches, filtered lists
      items = filtered = built = 0;
      const double cpu0 = ThreadCpuSeconds();
      const absl::Time wall0 = absl::Now();
      run(requests->size());
      const double cpu = ThreadCpuSeconds() - cpu0;
      const double wall = absl::ToDoubleSeconds(absl::Now() - wall0);
      const double n = static_cast<double>(requests->size());
      std::printf("%-24s %5d %12.1f %12.1f %10.2f %10.3f %8.3f\n", variant.label.c_str(), round,
                  cpu / n * 1e6, wall / n * 1e6, static_cast<double>(items) / n,
                  static_cast<double>(filtered) / n, static_cast<double>(built) / n);
      const CatalogReadCacheStats cache = (*engine)->tables().articles().read_cache_stats();
      std::printf("%-24s catalog read cache: %.1f%% hits, %.1f MiB\n", "",
                  100.0 * static_cast<double>(cache.hits) /
                      static_cast<double>(std::max<uint64_t>(1, cache.hits + cache.misses)),
                  static_cast<double>(cache.bytes) / (1 << 20));
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace
}  // namespace headliner::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return headliner::bench::Run();
}
