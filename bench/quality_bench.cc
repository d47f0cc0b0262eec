// Same-story precision@10 and MRR on the UCI headlines, for the served ranker of an Engine and for
// the same ranker over an exact (brute-force) index of the same vectors, for each content encoder
// (the sentence model and the hashed encoder), in one run. Latency is the whole Ranker::Rank call
// (index search, catalog reads, scoring), one thread; the load rate is the apply path's, in
// batches as the Kafka ingestor applies them (encoding included).
//   build/bench/quality_bench [--csv ../shared/data/uci-news-dev.csv] [--encoders minilm,hashed]
#include <cstdio>
#include <filesystem>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/engine.h"
#include "sample/uci_news.h"

ABSL_FLAG(std::string, csv, "", "UCI news CSV (default: found under ../shared/data).");
ABSL_FLAG(std::string, scratch, "/tmp/headliner-quality-bench", "Scratch RocksDB directory.");
ABSL_FLAG(std::string, encoders, "minilm,hashed", "Encoders to compare, in this order.");
ABSL_FLAG(int, batch, 64, "Articles per applied batch (the model encodes a batch in one call).");

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

// Loads `catalog` into `engine` in batches of `batch` articles, as the Kafka ingestor does;
// returns the headlines applied per second.
absl::StatusOr<double> Load(Engine& engine, const std::vector<SampleArticle>& catalog,
                            size_t batch) {
  const absl::Time start = absl::Now();
  for (size_t begin = 0; begin < catalog.size(); begin += batch) {
    std::vector<IngestEvent> events;
    for (size_t i = begin; i < std::min(catalog.size(), begin + batch); ++i) {
      events.push_back(catalog[i].article);
    }
    absl::StatusOr<std::vector<EventOutcome>> outcomes = engine.applier().ApplyBatch(events);
    if (!outcomes.ok()) return outcomes.status();
  }
  return catalog.size() / absl::ToDoubleSeconds(absl::Now() - start);
}

// One encoder's served and exact figures (printed as rows of the table).
int RunEncoder(EncoderKind kind, const std::vector<SampleArticle>& catalog,
               const absl::flat_hash_map<std::string, std::string>& story_of, absl::Time now,
               const std::string& scratch) {
  EngineConfig config;
  config.encoder.kind = kind;
  // The baseline: the same engine with every vector kept in the exact (flat) segment.
  EngineConfig exact_config = config;
  exact_config.index.min_main_segment = 100000000;
  const std::string name(EncoderKindName(kind));
  auto served = Engine::Open(scratch + "/served-" + name, config);
  auto exact = Engine::Open(scratch + "/exact-" + name, exact_config);
  if (!served.ok() || !exact.ok()) {
    std::fprintf(stderr, "cannot open engines: %s %s\n", served.status().ToString().c_str(),
                 exact.status().ToString().c_str());
    return 1;
  }
  const size_t batch = static_cast<size_t>(absl::GetFlag(FLAGS_batch));
  absl::StatusOr<double> rate = Load(**served, catalog, batch);
  if (!rate.ok() || !Load(**exact, catalog, batch).ok()) {
    std::fprintf(stderr, "load failed: %s\n", rate.status().ToString().c_str());
    return 1;
  }
  // What the server's background threads do once the delta segment is large enough.
  (*served)->CompactIfDue();
  const IndexStats stats = (*served)->content_index().Stats();
  const Metrics e = Evaluate((*exact)->ranker(), catalog, story_of, now);
  const Metrics s = Evaluate((*served)->ranker(), catalog, story_of, now);
  const std::string served_name =
      absl::StrCat("served (HNSW ", stats.main_segment, " + delta ", stats.delta_segment, ")");
  std::printf("| %s/%d | exact brute force | %.4f | %.4f | %.1f | |\n", name.c_str(),
              config.encoder.vector_dimension(), e.precision, e.mrr, e.p50_us);
  std::printf("| %s/%d | %s | %.4f | %.4f | %.1f | %.0f |\n", name.c_str(),
              config.encoder.vector_dimension(), served_name.c_str(), s.precision, s.mrr, s.p50_us,
              *rate);
  return 0;
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
  absl::flat_hash_map<std::string, std::string> story_of;
  absl::flat_hash_set<std::string> stories;
  absl::Time now = absl::InfinitePast();
  for (const SampleArticle& s : *catalog) {
    story_of[s.article.id()] = s.story;
    stories.insert(s.story);
    now = std::max(now, absl::FromUnixSeconds(s.article.published_at().seconds()));
  }
  std::printf("UCI headlines: %zu, stories: %zu; loaded in batches of %d\n\n", catalog->size(),
              stories.size(), absl::GetFlag(FLAGS_batch));
  std::printf("| encoder | index | P@10 | MRR | p50 Rank (us) | load (headlines/s) |\n");
  std::printf("|---|---|---:|---:|---:|---:|\n");
  for (absl::string_view name : absl::StrSplit(absl::GetFlag(FLAGS_encoders), ',')) {
    std::optional<EncoderKind> kind = ParseEncoderKind(name);
    if (!kind || *kind == EncoderKind::kExternal) {
      std::fprintf(stderr, "--encoders: minilm or hashed, not '%s'\n", std::string(name).c_str());
      return 2;
    }
    if (int rc = RunEncoder(*kind, *catalog, story_of, now, scratch); rc != 0) return rc;
  }
  std::filesystem::remove_all(scratch);
  return 0;
}

}  // namespace
}  // namespace headliner

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return headliner::Run();
}
