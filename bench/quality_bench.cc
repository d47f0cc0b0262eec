// Same-story precision@10 and MRR on the UCI headlines, for the served ranker of an Engine and for
// the same ranker over an exact (brute-force) index of the same vectors, in one run. Latency is
// the whole Ranker::Rank call (index search, catalog reads, scoring), one thread.
//   build/bench/quality_bench [--csv ../shared/data/uci-news-dev.csv]
#include <cstdio>
#include <filesystem>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "engine/engine.h"
#include "sample/uci_news.h"

ABSL_FLAG(std::string, csv, "", "UCI news CSV (default: found under ../shared/data).");
ABSL_FLAG(std::string, scratch, "/tmp/headliner-quality-bench", "Scratch RocksDB directory.");

namespace headliner {
namespace {

struct Metrics {
  double precision = 0;
  double mrr = 0;
  double p50_us = 0;
};

Metrics Evaluate(const Ranker& ranker, const std::vector<SampleArticle>& catalog,
                 const absl::flat_hash_map<std::string, std::string>& story_of, absl::Time now) {
  Metrics m;
  std::vector<double> latencies;
  for (const SampleArticle& s : catalog) {
    RankRequest r;
    r.article_id = s.article.id();
    r.limit = 10;
    r.now = now;
    const absl::Time t0 = absl::Now();
    auto result = ranker.Rank(r);
    latencies.push_back(absl::ToDoubleMicroseconds(absl::Now() - t0));
    if (!result.ok()) continue;
    int hits = 0, first = 0;
    for (size_t i = 0; i < result->items.size(); ++i) {
      if (story_of.at(result->items[i].article.id()) != s.story) continue;
      ++hits;
      if (first == 0) first = static_cast<int>(i) + 1;
    }
    m.precision += hits / 10.0;
    m.mrr += first ? 1.0 / first : 0.0;
  }
  m.precision /= catalog.size();
  m.mrr /= catalog.size();
  std::sort(latencies.begin(), latencies.end());
  m.p50_us = latencies[latencies.size() / 2];
  return m;
}

int Run() {
  std::string path = absl::GetFlag(FLAGS_csv);
  if (path.empty()) path = FindUciNews().value_or("");
  if (path.empty()) {
    std::fprintf(stderr, "uci-news-dev.csv not found; pass --csv or set HEADLINER_SHARED_DIR\n");
    return 1;
  }
  auto catalog = ReadUciNews(path, nullptr);
  if (!catalog.ok()) return 1;
  const std::string scratch = absl::GetFlag(FLAGS_scratch);
  std::filesystem::remove_all(scratch);
  const EngineConfig config;
  // The baseline: the same engine with every vector kept in the exact (flat) segment.
  EngineConfig exact_config = config;
  exact_config.index.min_main_segment = 100000000;
  auto served = Engine::Open(scratch + "/served", config);
  auto exact = Engine::Open(scratch + "/exact", exact_config);
  if (!served.ok() || !exact.ok()) {
    std::fprintf(stderr, "cannot open engines: %s %s\n", served.status().ToString().c_str(),
                 exact.status().ToString().c_str());
    return 1;
  }
  absl::flat_hash_map<std::string, std::string> story_of;
  absl::Time now = absl::InfinitePast();
  for (const SampleArticle& s : *catalog) {
    if (!(*served)->applier().ApplyArticle(s.article).ok()) return 1;
    if (!(*exact)->applier().ApplyArticle(s.article).ok()) return 1;
    story_of[s.article.id()] = s.story;
    now = std::max(now, absl::FromUnixSeconds(s.article.published_at().seconds()));
  }
  // What the server's background threads do once the delta segment is large enough.
  (*served)->CompactIfDue();
  std::printf(
      "UCI headlines: %zu, stories: %zu, dimension %d\n", catalog->size(),
      [&] {
        absl::flat_hash_set<std::string> s;
        for (auto& [id, story] : story_of) s.insert(story);
        return s.size();
      }(),
      config.encoder.vector_dimension());
  std::printf("%-44s %10s %8s %10s\n", "index", "P@10", "MRR", "p50 (us)");
  const Metrics e = Evaluate((*exact)->ranker(), *catalog, story_of, now);
  std::printf("%-44s %10.4f %8.4f %10.1f\n", "exact brute force (baseline)", e.precision, e.mrr,
              e.p50_us);
  const Metrics s = Evaluate((*served)->ranker(), *catalog, story_of, now);
  std::printf("%-44s %10.4f %8.4f %10.1f\n", "served index (HNSW + delta)", s.precision, s.mrr,
              s.p50_us);
  const IndexStats stats = (*served)->content_index().Stats();
  std::printf("served index: %llu vectors in the HNSW main segment, %llu in the flat delta\n",
              static_cast<unsigned long long>(stats.main_segment),
              static_cast<unsigned long long>(stats.delta_segment));
  std::printf("precision@10 loss vs exact: %.4f\n", e.precision - s.precision);
  served->reset();  // closes the databases before their files are removed
  exact->reset();
  std::filesystem::remove_all(scratch);
  return 0;
}

}  // namespace
}  // namespace headliner

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return headliner::Run();
}
