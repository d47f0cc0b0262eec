// Events per second through the apply path alone (EventApplier on RocksDB + index, no Kafka):
// a synthetic catalog, then a simulated click stream, applied in micro-batches as the Kafka
// ingestor does, against the same events applied one WriteBatch per event (the baseline); then
// the clicks pipelined as the ingestor applies them (apply.pipelined_writes). Every
// click signal is on (popularity, co-visitation, behaviour embeddings); the last rows give clicks
// with the behaviour vectors read from RocksDB every time (behaviour.vector_cache_size 0), and
// without the embeddings.
//   build/bench/apply_bench [--articles 10000] [--sessions 50000] [--batch 1000] [--encoder hashed]
#include <cstdio>
#include <filesystem>
#include <functional>
#include <span>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "engine/engine.h"
#include "sample/click_simulator.h"
#include "sample/sample_catalog.h"

ABSL_FLAG(int, articles, 10000, "Catalog size.");
ABSL_FLAG(int, sessions, 50000, "Simulated reader sessions (about 4 clicks each).");
ABSL_FLAG(int, batch, 1000, "Events per micro-batch (kafka.batch_max_events).");
ABSL_FLAG(int, max_wal_mib, headliner::StorageConfig().max_wal_mib,
          "storage.max_wal_mib of the stores (0: RocksDB's own bound, the old behaviour).");
ABSL_FLAG(int, row_cache_mib, headliner::StorageConfig().row_cache_mib,
          "storage.row_cache_mib of the stores (0: no row cache).");
ABSL_FLAG(bool, rocksdb_statistics, headliner::StorageConfig().statistics,
          "storage.statistics of the stores (RocksDB's ticker counters).");
ABSL_FLAG(int, hot_rows_mib, headliner::ApplyConfig().hot_rows_mib,
          "apply.hot_rows_mib of the stores (0: every apply-path read goes to RocksDB).");
ABSL_FLAG(bool, baseline, true,
          "Also apply every event one per batch (the baseline column); off to profile the batched "
          "path alone.");
ABSL_FLAG(bool, variants, true,
          "Also run the rows without the vector cache and without embeddings.");
ABSL_FLAG(std::string, encoder, "minilm",
          "Content encoder: minilm (the default; behaviour vectors of 384 dimensions) or hashed "
          "(256).");
ABSL_FLAG(int, behaviour_dimension, headliner::BehaviourConfig().dimension,
          "behaviour.dimension (0: the encoder's).");
ABSL_FLAG(std::string, scratch, "/tmp/headliner-apply-bench", "Scratch directory.");

namespace headliner {
namespace {

struct Rate {
  double events_per_s = 0;
  size_t events = 0;
};

// A fresh engine under `dir`, with the default config changed by `adjust`.
std::unique_ptr<Engine> OpenEngine(const std::string& dir,
                                   const std::function<void(EngineConfig&)>& adjust = nullptr) {
  EngineConfig config;
  config.encoder.kind =
      ParseEncoderKind(absl::GetFlag(FLAGS_encoder)).value_or(EncoderKind::kExternal);
  if (config.encoder.kind == EncoderKind::kExternal) {
    std::fprintf(stderr, "--encoder: minilm or hashed\n");
    std::exit(2);
  }
  config.behaviour.dimension = absl::GetFlag(FLAGS_behaviour_dimension);
  if (adjust) adjust(config);
  config.storage.max_wal_mib = absl::GetFlag(FLAGS_max_wal_mib);
  config.storage.row_cache_mib = absl::GetFlag(FLAGS_row_cache_mib);
  config.apply.hot_rows_mib = absl::GetFlag(FLAGS_hot_rows_mib);
  config.storage.statistics = absl::GetFlag(FLAGS_rocksdb_statistics);
  std::filesystem::remove_all(dir);
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(dir, config);
  if (!engine.ok()) {
    std::fprintf(stderr, "cannot open %s: %s\n", dir.c_str(), engine.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(engine);
}

Rate Apply(EventApplier& applier, const std::vector<IngestEvent>& events, size_t batch) {
  const absl::Time t0 = absl::Now();
  for (size_t i = 0; i < events.size(); i += batch) {
    const size_t n = std::min(batch, events.size() - i);
    auto outcomes = applier.ApplyBatch(std::span(events).subspan(i, n));
    if (!outcomes.ok()) {
      std::fprintf(stderr, "apply failed: %s\n", outcomes.status().ToString().c_str());
      std::exit(1);
    }
  }
  return {events.size() / absl::ToDoubleSeconds(absl::Now() - t0), events.size()};
}

// As the Kafka ingestor applies them (apply.pipelined_writes): each batch staged while the one
// before is written.
Rate ApplyPipelined(EventApplier& applier, const std::vector<IngestEvent>& events, size_t batch) {
  const absl::Time t0 = absl::Now();
  auto check = [](const std::vector<EventApplier::FinishedBatch>& finished) {
    for (const EventApplier::FinishedBatch& f : finished) {
      if (!f.outcomes.ok()) {
        std::fprintf(stderr, "apply failed: %s\n", f.outcomes.status().ToString().c_str());
        std::exit(1);
      }
    }
  };
  uint64_t tag = 0;
  for (size_t i = 0; i < events.size(); i += batch) {
    const size_t n = std::min(batch, events.size() - i);
    EventApplier::PipelinedResult r =
        applier.ApplyBatchPipelined(std::span(events).subspan(i, n), {}, nullptr, ++tag);
    check(r.finished);
    if (!r.staged.ok()) {
      std::fprintf(stderr, "apply failed: %s\n", r.staged.ToString().c_str());
      std::exit(1);
    }
  }
  check(applier.FinishPipelined(/*wait=*/true));
  return {events.size() / absl::ToDoubleSeconds(absl::Now() - t0), events.size()};
}

// Bytes of RocksDB's write-ahead log files and SST files under `dir`.
struct DiskUse {
  uint64_t wal = 0;
  uint64_t sst = 0;
};
DiskUse DiskUseOf(const std::string& dir) {
  DiskUse use;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".log") use.wal += entry.file_size();
    if (entry.path().extension() == ".sst") use.sst += entry.file_size();
  }
  return use;
}

int Run() {
  setvbuf(stdout, nullptr, _IOLBF, 0);
  SampleCatalogOptions catalog_options;
  catalog_options.articles = absl::GetFlag(FLAGS_articles);
  const std::vector<SampleArticle> catalog = GenerateSampleCatalog(catalog_options);
  ClickSimulatorOptions sim;
  sim.sessions = absl::GetFlag(FLAGS_sessions);
  std::vector<IngestEvent> articles, clicks;
  for (const SampleArticle& s : catalog) articles.push_back(s.article);
  for (v1::ClickEvent& c : SimulateClicks(catalog, sim)) clicks.push_back(std::move(c));
  const size_t batch = static_cast<size_t>(absl::GetFlag(FLAGS_batch));
  const std::string scratch = absl::GetFlag(FLAGS_scratch);
  std::printf("catalog %zu articles, %zu clicks; micro-batch %zu\n", articles.size(), clicks.size(),
              batch);

  std::printf("%-10s %-22s %12s %12s %8s\n", "events", "mode", "events/s", "baseline/s", "ratio");
  {
    std::unique_ptr<Engine> batched = OpenEngine(scratch + "/batched");
    const bool baseline = absl::GetFlag(FLAGS_baseline);
    std::unique_ptr<Engine> single = baseline ? OpenEngine(scratch + "/single") : nullptr;
    const Rate a_batched = Apply(batched->applier(), articles, batch);
    const Rate a_single = baseline ? Apply(single->applier(), articles, 1) : Rate{};
    std::printf("%-10s %-22s %12.0f %12.0f %7.1fx\n", "articles", "micro-batch vs 1/batch",
                a_batched.events_per_s, a_single.events_per_s,
                a_batched.events_per_s / a_single.events_per_s);
    const Rate c_batched = Apply(batched->applier(), clicks, batch);
    const RowCacheStats rows = batched->applier().HotRowStats();
    std::printf(
        "hot rows: %llu hits, %llu misses (%.1f%% hits), %llu evictions, %llu rows, %.1f MiB\n",
        static_cast<unsigned long long>(rows.hits), static_cast<unsigned long long>(rows.misses),
        100.0 * rows.hits / std::max<uint64_t>(1, rows.hits + rows.misses),
        static_cast<unsigned long long>(rows.evictions),
        static_cast<unsigned long long>(rows.entries), rows.bytes / double(1 << 20));
    const Rate c_single = baseline ? Apply(single->applier(), clicks, 1) : Rate{};
    // Steady-state disk of the batched store after the whole stream (the WAL is bounded by
    // DatabaseOptions::max_wal_bytes; without a bound it grew about 1.15 KB per click).
    const DiskUse disk = DiskUseOf(batched->data_dir() + "/rocksdb");
    const double per_million = 1e6 / static_cast<double>(clicks.size()) / (1 << 20);
    std::printf(
        "disk after %zu articles and %zu clicks: WAL %.1f MiB (storage.max_wal_mib %d), "
        "SST %.1f MiB (%.1f MiB per million clicks)\n",
        articles.size(), clicks.size(), disk.wal / double(1 << 20),
        absl::GetFlag(FLAGS_max_wal_mib), disk.sst / double(1 << 20), disk.sst * per_million);
    std::printf("%-10s %-22s %12.0f %12.0f %7.1fx\n", "clicks", "micro-batch vs 1/batch",
                c_batched.events_per_s, c_single.events_per_s,
                c_batched.events_per_s / c_single.events_per_s);
  }  // the databases close before their files are removed
  {
    // Pipelined (the Kafka ingestor's way) against the batched row above, same batches.
    std::unique_ptr<Engine> pipelined = OpenEngine(scratch + "/pipelined");
    Apply(pipelined->applier(), articles, batch);
    const Rate c = ApplyPipelined(pipelined->applier(), clicks, batch);
    std::printf("%-10s %-22s %12.0f\n", "clicks", "micro-batch, pipelined", c.events_per_s);
  }
  if (!absl::GetFlag(FLAGS_variants)) {
    std::filesystem::remove_all(scratch);
    return 0;
  }
  {
    // What the in-memory behaviour vectors save: the same clicks reading RocksDB every time.
    std::unique_ptr<Engine> uncached = OpenEngine(
        scratch + "/no-vector-cache", [](EngineConfig& c) { c.behaviour.vector_cache_size = 0; });
    Apply(uncached->applier(), articles, batch);
    const Rate c = Apply(uncached->applier(), clicks, batch);
    std::printf("%-10s %-22s %12.0f\n", "clicks", "micro-batch, no cache", c.events_per_s);
  }
  {
    // The cost of the behaviour embeddings: the same clicks with them off.
    std::unique_ptr<Engine> without = OpenEngine(
        scratch + "/without-embeddings", [](EngineConfig& c) { c.behaviour.enabled = false; });
    Apply(without->applier(), articles, batch);
    const Rate c = Apply(without->applier(), clicks, batch);
    std::printf("%-10s %-22s %12.0f\n", "clicks", "micro-batch, no embeddings", c.events_per_s);
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
