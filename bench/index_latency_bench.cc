// Query latency of VectorIndex at a given catalog size, against exact search (a full scan with the
// same SIMD kernel) over the same vectors in the same run. Vectors are built-in encodings of
// synthetic headlines.
//   build/bench/index_latency_bench --articles 10000
//   build/bench/index_latency_bench --articles 1000000   (~10 min: one HNSW build on 2 cores)
#include <omp.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <random>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "encode/text_encoder.h"
#include "index/vector_index.h"
#include "sample/sample_catalog.h"

ABSL_FLAG(int, articles, 10000, "Catalog size.");
ABSL_FLAG(int, queries, 2000, "Queries timed per index.");
ABSL_FLAG(int, dimension, 0,
          "Vector dimension (0: the hashed encoder's own, 256; 384 is the sentence model's width, "
          "for build and search costs at that width).");
ABSL_FLAG(std::string, k, "10,50,100,200", "Neighbours per query (the ranker's candidate pool).");
ABSL_FLAG(int, ef_search, 64, "HNSW efSearch (index.hnsw_ef_search; k raises it).");
ABSL_FLAG(int, baseline_queries, 200, "Queries for the exact baseline and recall.");

namespace headliner {
namespace {

struct Latency {
  double p50_us, p99_us;
};

template <typename Fn>
Latency Time(int queries, Fn&& fn) {
  std::vector<double> us;
  for (int q = 0; q < queries; ++q) {
    const absl::Time t0 = absl::Now();
    fn(q);
    us.push_back(absl::ToDoubleMicroseconds(absl::Now() - t0));
  }
  std::sort(us.begin(), us.end());
  return {us[us.size() / 2], us[us.size() * 99 / 100]};
}

int Run() {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress is visible when redirected
  const int n = absl::GetFlag(FLAGS_articles);
  const int queries = absl::GetFlag(FLAGS_queries);
  std::vector<int> ks;
  for (absl::string_view v : absl::StrSplit(absl::GetFlag(FLAGS_k), ',')) {
    ks.push_back(std::stoi(std::string(v)));
  }
  IndexConfig index_config;
  EncoderConfig encoder_config;
  encoder_config.kind = EncoderKind::kHashed;  // the synthetic catalog's vectors, quickly
  encoder_config.dimension = absl::GetFlag(FLAGS_dimension);
  index_config.hnsw_ef_search = absl::GetFlag(FLAGS_ef_search);
  const int dim = encoder_config.vector_dimension();

  const absl::Time t_gen = absl::Now();
  SampleCatalogOptions options;
  options.articles = n;
  auto catalog = GenerateSampleCatalog(options);
  TextEncoder encoder(encoder_config);
  DocumentFrequencies df(encoder_config.feature_buckets);
  std::vector<uint64_t> ids(n);
  std::vector<float> vectors;
  vectors.reserve(static_cast<size_t>(n) * dim);
  for (int i = 0; i < n; ++i) {
    // A per-article number makes repeated template headlines distinct, as real ones are.
    catalog[i].article.set_headline(catalog[i].article.headline() + " " + std::to_string(i));
    std::vector<uint32_t> b = encoder.Buckets(catalog[i].article.headline());
    df.AddDocument(b);
  }
  for (int i = 0; i < n; ++i) {
    ids[i] = i;
    auto v = encoder.Encode(catalog[i].article.headline(), df);
    vectors.insert(vectors.end(), v.begin(), v.end());
  }
  std::printf("articles %d, dimension %d, encode %.1f s\n", n, dim,
              absl::ToDoubleSeconds(absl::Now() - t_gen));

  const absl::Time t_build = absl::Now();
  VectorIndex index(dim, index_config);
  if (!index.Restore(ids, vectors).ok()) return 1;
  const double build_seconds = absl::ToDoubleSeconds(absl::Now() - t_build);
  const IndexStats stats = index.Stats();
  std::printf(
      "served index: main (HNSW M=%d efConstruction=%d) %llu, delta (flat) %llu; build "
      "%.1f s\n",
      index_config.hnsw_m, index_config.hnsw_ef_construction,
      static_cast<unsigned long long>(stats.main_segment),
      static_cast<unsigned long long>(stats.delta_segment),
      absl::ToDoubleSeconds(absl::Now() - t_build));

  // Baseline: exact search over the same vectors (VectorIndex's flat segment, same kernel).
  IndexConfig exact_config = index_config;
  exact_config.min_main_segment = std::numeric_limits<int>::max();
  VectorIndex exact_index(dim, exact_config);
  if (!exact_index.Restore(ids, vectors).ok()) return 1;
  std::mt19937 rng(7);
  std::vector<int> query_rows(queries);
  for (int& q : query_rows) q = static_cast<int>(rng() % n);
  auto query = [&](int q) {
    return std::span<const float>(vectors.data() + static_cast<size_t>(query_rows[q]) * dim,
                                  static_cast<size_t>(dim));
  };

  omp_set_num_threads(1);  // one query on one thread, as served
  // Baseline, and the exact top-k_max of every query for recall.
  const int k_max = *std::max_element(ks.begin(), ks.end());
  std::vector<std::vector<uint64_t>> truth(queries);
  const int baseline_queries = std::min(queries, absl::GetFlag(FLAGS_baseline_queries));
  const Latency exact = Time(baseline_queries, [&](int q) {
    for (const SearchHit& h : exact_index.Search(query(q), k_max)) truth[q].push_back(h.id);
  });
  std::printf("exact search (baseline), k=%d: p50 %.1f us, p99 %.1f us (%d queries)\n", k_max,
              exact.p50_us, exact.p99_us, baseline_queries);
  std::printf("%6s %9s %10s %10s %9s %12s\n", "k", "efSearch", "p50 (us)", "p99 (us)", "recall@k",
              "p50 speed-up");
  const int ef = index_config.hnsw_ef_search;
  for (int k : ks) {
    const Latency served = Time(queries, [&](int q) { (void)index.Search(query(q), k); });
    double recall = 0;
    for (int q = 0; q < baseline_queries; ++q) {
      absl::flat_hash_set<uint64_t> exact_top(truth[q].begin(), truth[q].begin() + k);
      int found = 0;
      for (const auto& h : index.Search(query(q), k)) found += exact_top.contains(h.id);
      recall += static_cast<double>(found) / k;
    }
    std::printf("%6d %9d %10.1f %10.1f %9.4f %11.1fx\n", k, std::max(ef, k), served.p50_us,
                served.p99_us, recall / baseline_queries, exact.p50_us / served.p50_us);
  }

  // Compaction: 2,000 new articles (the default threshold), folded into the graph by the
  // background path (extend a copy) versus a full rebuild (the build time above).
  omp_set_num_threads(omp_get_num_procs());
  for (int i = 0; i < index_config.compaction_threshold; ++i) {
    (void)index.Upsert(static_cast<uint64_t>(n + i), query(i % queries));
  }
  const absl::Time t_compact = absl::Now();
  const bool compacted = index.CompactIfDue();
  std::printf("incremental compaction of %d new vectors: %.2f s (%s); full build above: %.1f s\n",
              index_config.compaction_threshold, absl::ToDoubleSeconds(absl::Now() - t_compact),
              compacted ? "ran" : "not due", build_seconds);
  return 0;
}

}  // namespace
}  // namespace headliner

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return headliner::Run();
}
