// Same-story precision@10 and MRR on the UCI headlines, for the served index and for exact
// brute-force search over the same vectors, in one run. Latency is the whole Ranker::Rank call
// (index search, catalog reads, scoring), one thread.
//   build/bench/quality_bench [--csv ../shared/data/uci-news-dev.csv]
#include <cstdio>
#include <filesystem>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "index/vector_index.h"
#include "ingest/event_applier.h"
#include "rank/ranker.h"
#include "sample/uci_news.h"
#include "store/click_store.h"

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
  Config config;
  auto db = Database::Open(scratch, DatabaseOptions{});
  auto store = ArticleStore::Open(**db);
  VectorIndex served(config.encoder.dimension, config.index);
  ClickStore clicks(**db);
  VectorIndex behaviour_index(config.encoder.dimension, config.index);
  auto applier = EventApplier::Create(**db, **store, clicks, served, behaviour_index, config);
  absl::flat_hash_map<std::string, std::string> story_of;
  absl::Time now = absl::InfinitePast();
  for (const SampleArticle& s : *catalog) {
    if (!(*applier)->ApplyArticle(s.article).ok()) return 1;
    story_of[s.article.id()] = s.story;
    now = std::max(now, absl::FromUnixSeconds(s.article.published_at().seconds()));
  }
  // What the server's background thread does once the delta segment is large enough.
  served.CompactIfDue();
  // The same stored vectors in an exact-only index: the baseline.
  std::vector<uint64_t> ids;
  std::vector<float> vectors;
  (void)(*store)->ForEachEmbedding([&](uint64_t id, std::vector<float> v) {
    ids.push_back(id);
    vectors.insert(vectors.end(), v.begin(), v.end());
  });
  IndexConfig exact_config = config.index;
  exact_config.min_main_segment = 100000000;
  VectorIndex exact(config.encoder.dimension, exact_config);
  (void)exact.Restore(ids, vectors);
  std::printf(
      "UCI headlines: %zu, stories: %zu, dimension %d\n", catalog->size(),
      [&] {
        absl::flat_hash_set<std::string> s;
        for (auto& [id, story] : story_of) s.insert(story);
        return s.size();
      }(),
      config.encoder.dimension);
  std::printf("%-44s %10s %8s %10s\n", "index", "P@10", "MRR", "p50 (us)");
  const Metrics e = Evaluate(Ranker(**store, exact, config.ranking), *catalog, story_of, now);
  std::printf("%-44s %10.4f %8.4f %10.1f\n", "exact brute force (baseline)", e.precision, e.mrr,
              e.p50_us);
  const Metrics s = Evaluate(Ranker(**store, served, config.ranking), *catalog, story_of, now);
  std::printf("%-44s %10.4f %8.4f %10.1f\n", "served index (HNSW + delta)", s.precision, s.mrr,
              s.p50_us);
  const IndexStats stats = served.Stats();
  std::printf("served index: %llu vectors in the HNSW main segment, %llu in the flat delta\n",
              static_cast<unsigned long long>(stats.main_segment),
              static_cast<unsigned long long>(stats.delta_segment));
  std::printf("precision@10 loss vs exact: %.4f\n", e.precision - s.precision);
  return 0;
}

}  // namespace
}  // namespace headliner

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return headliner::Run();
}
