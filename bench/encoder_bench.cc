// What encoding a headline costs: the sentence model all-MiniLM-L6-v2 (encode/minilm_encoder.h,
// one libtorch thread) at batch sizes 1 to 64, against the built-in hashed encoder in the same
// run, on the UCI dev headlines (../shared) or the sample catalog's; and, on UCI, the model's
// same-story precision by exact search (every headline a query, itself excluded, the other
// headlines of its story relevant), the figure issue 13 quotes (P@10 0.879, MRR 0.929).
//   build/bench/encoder_bench [--model_dir DIR] [--batches 1,8,32,64] [--rounds 2]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "encode/document_frequencies.h"
#include "encode/minilm_encoder.h"
#include "encode/model_dir.h"
#include "encode/text_encoder.h"
#include "sample/sample_catalog.h"
#include "sample/uci_news.h"

ABSL_FLAG(std::string, model_dir, "", "The model (default: scripts/model's directory).");
ABSL_FLAG(std::vector<std::string>, batches, (std::vector<std::string>{"1", "8", "32", "64"}),
          "Micro-batch sizes.");
ABSL_FLAG(int, rounds, 2, "Passes over the headlines per batch size (the best is reported).");

namespace headliner {
namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// P@10 and MRR of same-story neighbours by exact inner product (unit vectors: cosine).
std::pair<double, double> SameStoryQuality(const std::vector<std::vector<float>>& v,
                                           const std::vector<std::string>& stories) {
  double precision = 0, mrr = 0;
  std::vector<std::pair<float, size_t>> scored(v.size());
  for (size_t q = 0; q < v.size(); ++q) {
    for (size_t d = 0; d < v.size(); ++d) {
      float dot = 0;
      for (size_t i = 0; i < v[q].size(); ++i) dot += v[q][i] * v[d][i];
      scored[d] = {d == q ? -2.0f : dot, d};
    }
    std::partial_sort(scored.begin(), scored.begin() + 10, scored.end(), std::greater<>());
    for (size_t r = 0; r < 10; ++r) precision += stories[scored[r].second] == stories[q] ? 0.1 : 0;
    std::sort(scored.begin(), scored.end(), std::greater<>());
    for (size_t r = 0; r + 1 < scored.size(); ++r) {
      if (stories[scored[r].second] == stories[q]) {
        mrr += 1.0 / static_cast<double>(r + 1);
        break;
      }
    }
  }
  return {precision / v.size(), mrr / v.size()};
}

int Run() {
  std::vector<std::string> headlines, stories;
  std::string source = "the sample catalog";
  if (const std::optional<std::string> path = FindUciNews()) {
    absl::StatusOr<std::vector<SampleArticle>> uci = ReadUciNews(*path, nullptr);
    if (!uci.ok()) return std::fprintf(stderr, "%s\n", uci.status().ToString().c_str()), 1;
    for (const SampleArticle& a : *uci) {
      headlines.push_back(a.article.headline());
      stories.push_back(a.story);
    }
    source = "UCI News dev";
  } else {
    for (const SampleArticle& a : GenerateSampleCatalog(SampleCatalogOptions{})) {
      headlines.push_back(a.article.headline());
    }
  }
  const std::string dir =
      absl::GetFlag(FLAGS_model_dir).empty() ? DefaultMiniLmDir() : absl::GetFlag(FLAGS_model_dir);
  auto started = std::chrono::steady_clock::now();
  absl::StatusOr<std::unique_ptr<MiniLmEncoder>> minilm = MiniLmEncoder::Load(dir);
  if (!minilm.ok()) return std::fprintf(stderr, "%s\n", minilm.status().ToString().c_str()), 1;
  std::printf("## %zu headlines of %s; model loaded in %.2f s\n\n", headlines.size(),
              source.c_str(), Seconds(started));
  std::printf(
      "| encoder | batch | ms per batch | ms per headline | headlines/s "
      "|\n|---|---|---|---|---|\n");

  // The hashed encoder, as the apply path runs it (document frequencies of the catalog).
  const EncoderConfig config;
  const TextEncoder hashed(config);
  DocumentFrequencies df(config.feature_buckets);
  started = std::chrono::steady_clock::now();
  size_t sink = 0;
  for (const std::string& h : headlines) sink += hashed.Encode(h, df).size();
  const double hashed_s = Seconds(started);
  std::printf("| hashed (%d dims) | 1 | %.4f | %.4f | %.0f |\n", hashed.dimension(),
              1e3 * hashed_s / headlines.size(), 1e3 * hashed_s / headlines.size(),
              headlines.size() / hashed_s);

  for (const std::string& b : absl::GetFlag(FLAGS_batches)) {
    size_t batch = 0;
    if (!absl::SimpleAtoi(b, &batch) || batch == 0) {
      return std::fprintf(stderr, "--batches: not a size: %s\n", b.c_str()), 1;
    }
    double best = 1e18;
    for (int round = 0; round < absl::GetFlag(FLAGS_rounds); ++round) {
      started = std::chrono::steady_clock::now();
      for (size_t i = 0; i < headlines.size(); i += batch) {
        const size_t n = std::min(batch, headlines.size() - i);
        auto out = (*minilm)->Encode(absl::MakeConstSpan(headlines).subspan(i, n));
        if (!out.ok()) return std::fprintf(stderr, "%s\n", out.status().ToString().c_str()), 1;
        sink += out->size();
      }
      best = std::min(best, Seconds(started));
    }
    const double batches = std::ceil(static_cast<double>(headlines.size()) / batch);
    std::printf("| all-MiniLM-L6-v2 (384 dims, 1 thread) | %zu | %.2f | %.3f | %.0f |\n", batch,
                1e3 * best / batches, 1e3 * best / headlines.size(), headlines.size() / best);
  }
  if (!stories.empty()) {
    auto vectors = (*minilm)->Encode(headlines);
    if (!vectors.ok()) return std::fprintf(stderr, "%s\n", vectors.status().ToString().c_str()), 1;
    const auto [precision, mrr] = SameStoryQuality(*vectors, stories);
    std::printf("\nSame-story quality of the model's vectors, exact search: P@10 %.4f, MRR %.4f\n",
                precision, mrr);
  }
  return sink == 0 ? 1 : 0;
}

}  // namespace
}  // namespace headliner

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return headliner::Run();
}
