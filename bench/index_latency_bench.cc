// Query latency of VectorIndex at a given catalog size, against exact flat search over the same
// vectors in the same run. Vectors are built-in encodings of synthetic headlines.
//   build/bench/index_latency_bench --articles 10000
//   build/bench/index_latency_bench --articles 1000000
#include <omp.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "encode/text_encoder.h"
#include "faiss/IndexFlat.h"
#include "index/vector_index.h"
#include "sample/sample_catalog.h"

ABSL_FLAG(int, articles, 10000, "Catalog size.");
ABSL_FLAG(int, queries, 2000, "Queries timed per index.");
ABSL_FLAG(int, k, 200, "Neighbours per query (the ranker's candidate pool).");

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
  const int n = absl::GetFlag(FLAGS_articles);
  const int queries = absl::GetFlag(FLAGS_queries);
  const int k = absl::GetFlag(FLAGS_k);
  Config config;
  const int dim = config.encoder.dimension;

  const absl::Time t_gen = absl::Now();
  SampleCatalogOptions options;
  options.articles = n;
  auto catalog = GenerateSampleCatalog(options);
  TextEncoder encoder(config.encoder);
  DocumentFrequencies df(config.encoder.feature_buckets);
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
  std::printf("articles %d, dimension %d, k %d, encode %.1f s\n", n, dim, k,
              absl::ToDoubleSeconds(absl::Now() - t_gen));

  const absl::Time t_build = absl::Now();
  VectorIndex index(dim, config.index);
  if (!index.Restore(ids, vectors).ok()) return 1;
  const IndexStats stats = index.Stats();
  std::printf("served index: main (HNSW M=%d efSearch=%d) %llu, delta (flat) %llu; build %.1f s\n",
              config.index.hnsw_m, std::max(config.index.hnsw_ef_search, k),
              static_cast<unsigned long long>(stats.main_segment),
              static_cast<unsigned long long>(stats.delta_segment),
              absl::ToDoubleSeconds(absl::Now() - t_build));

  faiss::IndexFlatIP flat(dim);
  flat.add(n, vectors.data());
  std::mt19937 rng(7);
  std::vector<int> query_rows(queries);
  for (int& q : query_rows) q = static_cast<int>(rng() % n);

  omp_set_num_threads(1);  // one query on one thread, as served
  std::vector<float> scores(k);
  std::vector<faiss::Index::idx_t> labels(k);
  double recall = 0;
  const Latency exact = Time(queries, [&](int q) {
    flat.search(1, vectors.data() + static_cast<size_t>(query_rows[q]) * dim, k, scores.data(),
                labels.data());
  });
  const Latency served = Time(queries, [&](int q) {
    auto hits = index.Search(
        {vectors.data() + static_cast<size_t>(query_rows[q]) * dim, static_cast<size_t>(dim)}, k);
    (void)hits;
  });
  // Recall@k of the served index against exact search, on a subset.
  const int recall_queries = std::min(queries, 200);
  for (int q = 0; q < recall_queries; ++q) {
    const float* x = vectors.data() + static_cast<size_t>(query_rows[q]) * dim;
    flat.search(1, x, k, scores.data(), labels.data());
    auto hits = index.Search({x, static_cast<size_t>(dim)}, k);
    absl::flat_hash_set<uint64_t> truth(labels.begin(), labels.end());
    int found = 0;
    for (const auto& h : hits) found += truth.contains(h.id);
    recall += static_cast<double>(found) / k;
  }
  recall /= recall_queries;
  std::printf("%-34s %10s %10s\n", "search (one thread)", "p50 (us)", "p99 (us)");
  std::printf("%-34s %10.1f %10.1f\n", "exact flat IP (baseline)", exact.p50_us, exact.p99_us);
  std::printf("%-34s %10.1f %10.1f\n", "served index", served.p50_us, served.p99_us);
  std::printf("speed-up p50 %.1fx, recall@%d vs exact %.4f\n", exact.p50_us / served.p50_us, k,
              recall);
  return 0;
}

}  // namespace
}  // namespace headliner

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return headliner::Run();
}
