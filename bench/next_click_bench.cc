// The quality harness for related lists. It replays a catalog and a simulated click stream
// through the ingest code (EventApplier, as Kafka batches are applied) in time order. It learns
// on the first part of the stream. On the rest it runs prequentially: every next click of a
// session is a test query, asked of each method before that click is learnt. A query asks for the
// related list of the article the reader is on (the session's previous click).
//   hit@10     the next click is in the list
//   MRR        1 / its rank in the list, 0 when absent
//   story P@10 share of the list in the source's story (the catalogs carry story labels)
// Every method ranks the same state at the same moments, with the same exclusions (the source and
// what the session already read). The catalogs are the built-in sample catalog and, when present,
// ../shared/data/uci-news-dev.csv (real headlines and stories); sessions are simulated over both
// (src/sample/click_simulator.h).
//   build/bench/next_click_bench [--dataset sample|uci|all] [--sessions 20000]
#include <cstdio>
#include <filesystem>
#include <map>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "harness_methods.h"
#include "next_click_replay.h"
#include "sample/click_simulator.h"
#include "sample/sample_catalog.h"
#include "sample/uci_news.h"

ABSL_FLAG(std::string, dataset, "all", "sample, uci or all (uci is skipped when absent)");
ABSL_FLAG(int, sessions, 20000, "Simulated reading sessions per dataset.");
ABSL_FLAG(uint64_t, seed, 7, "Seed of the simulated sessions (weights were chosen with 8).");
ABSL_FLAG(double, test_fraction, 0.2, "Share of the click stream (the latest) used for testing.");
ABSL_FLAG(bool, ablations, true, "Also compare normalisers, hybrid ablations and MMR.");
ABSL_FLAG(bool, tune, true,
          "Also fit hybrid weights on the end of the training period (a grid) and test them.");
ABSL_FLAG(std::vector<std::string>, extra, {},
          "Extra hybrids to compare, each content:behaviour:covisitation:freshness:popularity:"
          "mmr_lambda[:popular_candidates] weights, e.g. "
          "1:0.5:2:0.05:0.5:1 (for tuning).");
ABSL_FLAG(double, behaviour_learning_rate, headliner::BehaviourConfig().learning_rate,
          "behaviour.learning_rate of the replay.");
ABSL_FLAG(int, behaviour_negatives, headliner::BehaviourConfig().negatives,
          "behaviour.negatives of the replay.");
ABSL_FLAG(int, behaviour_dimension, headliner::BehaviourConfig().dimension,
          "behaviour.dimension of the replay (0: the encoder's).");
ABSL_FLAG(absl::Duration, covisitation_half_life, headliner::CoVisitationConfig().half_life,
          "covisitation.half_life of the replay (\"inf\": weights never age).");
ABSL_FLAG(std::string, scratch, "/tmp/headliner-next-click-bench", "Scratch RocksDB directory.");
ABSL_FLAG(std::string, encoder, "minilm", "Content encoder: minilm (the default) or hashed.");

namespace headliner {
namespace {

void PrintTable(const std::vector<Method>& methods, const std::vector<MethodScore>& scores) {
  std::printf("| %-40s | %7s | %7s | %10s | %9s |\n", "method", "hit@10", "MRR", "story P@10",
              "rank p50");
  std::printf("|%s|%s|%s|%s|%s|\n", std::string(42, '-').c_str(), std::string(9, '-').c_str(),
              std::string(9, '-').c_str(), std::string(12, '-').c_str(),
              std::string(11, '-').c_str());
  for (size_t i = 0; i < methods.size(); ++i) {
    const MethodScore& s = scores[i];
    std::printf("| %-40s | %7.4f | %7.4f | %10.4f | %6.0f µs |\n", methods[i].name.c_str(),
                s.HitRate(), s.Mrr(), s.StoryPrecision(), s.LatencyP50Micros());
  }
}

int RunDataset(const std::string& name, const std::vector<SampleArticle>& catalog) {
  const int sessions = absl::GetFlag(FLAGS_sessions);
  const std::vector<v1::ClickEvent> clicks =
      SimulateOverCatalogLife(catalog, sessions, absl::GetFlag(FLAGS_seed));

  std::vector<Method> methods = BaselineMethods();
  if (absl::GetFlag(FLAGS_ablations)) {
    for (Method& m : AblationMethods()) methods.push_back(std::move(m));
  }
  for (const std::string& spec : absl::GetFlag(FLAGS_extra)) {
    std::vector<std::string> w = absl::StrSplit(spec, ':');
    Method m{"hybrid " + spec, false, RankingConfig{}};
    double* fields[] = {&m.ranking.content_weight,      &m.ranking.behaviour_weight,
                        &m.ranking.covisitation_weight, &m.ranking.freshness_weight,
                        &m.ranking.popularity_weight,   &m.ranking.mmr_lambda};
    if (w.size() >= 7 && !absl::SimpleAtoi(w[6], &m.ranking.popular_candidates)) {
      std::fprintf(stderr, "--extra %s: bad popular_candidates\n", spec.c_str());
      return 1;
    }
    for (size_t i = 0; i < w.size() && i < 6; ++i) {
      if (!absl::SimpleAtod(w[i], fields[i])) {
        std::fprintf(stderr, "--extra %s: not a number: %s\n", spec.c_str(), w[i].c_str());
        return 1;
      }
    }
    methods.push_back(std::move(m));
  }
  EngineConfig config;
  config.encoder.kind =
      ParseEncoderKind(absl::GetFlag(FLAGS_encoder)).value_or(EncoderKind::kExternal);
  if (config.encoder.kind == EncoderKind::kExternal) {
    std::fprintf(stderr, "--encoder: minilm or hashed\n");
    return 2;
  }
  config.behaviour.learning_rate = absl::GetFlag(FLAGS_behaviour_learning_rate);
  config.behaviour.negatives = absl::GetFlag(FLAGS_behaviour_negatives);
  config.behaviour.dimension = absl::GetFlag(FLAGS_behaviour_dimension);
  config.covisitation.half_life = absl::GetFlag(FLAGS_covisitation_half_life);
  auto replay = NextClickReplay::Create(absl::GetFlag(FLAGS_scratch), catalog, clicks, config);
  if (!replay.ok()) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), replay.status().ToString().c_str());
    return 1;
  }
  TuningOptions tuning;
  tuning.grid = TuningGrid();
  absl::StatusOr<ReplayResult> result = (*replay)->Run(
      methods, absl::GetFlag(FLAGS_test_fraction), absl::GetFlag(FLAGS_tune) ? &tuning : nullptr);
  if (!result.ok()) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), result.status().ToString().c_str());
    return 1;
  }
  if (result->tuned) methods.push_back(*result->tuned);
  const ReplayStats& stats = (*replay)->stats();
  std::printf(
      "\n## %s (encoder %s): %zu articles in %zu stories; %d sessions, %zu clicks (%zu learnt "
      "before the split); %zu test queries\n\n",
      name.c_str(), EncoderIdentity(config.encoder).c_str(), catalog.size(), stats.stories,
      sessions, clicks.size(), stats.training_clicks, stats.queries);
  PrintTable(methods, result->scores);
  return 0;
}

int Run() {
  const std::string dataset = absl::GetFlag(FLAGS_dataset);
  int failures = 0;
  if (dataset == "sample" || dataset == "all") {
    failures += RunDataset("sample catalog", GenerateSampleCatalog(SampleCatalogOptions{}));
  }
  if (dataset == "uci" || dataset == "all") {
    const std::optional<std::string> path = FindUciNews();
    if (!path) {
      std::printf(
          "\n## UCI News: skipped, uci-news-dev.csv not found (set HEADLINER_SHARED_DIR "
          "or run from the checkout next to ../shared)\n");
    } else {
      absl::StatusOr<std::vector<SampleArticle>> catalog = ReadUciNews(*path, nullptr);
      if (!catalog.ok()) {
        std::fprintf(stderr, "%s\n", catalog.status().ToString().c_str());
        return 1;
      }
      failures += RunDataset("UCI News (real headlines and stories)", *catalog);
    }
  }
  std::filesystem::remove_all(absl::GetFlag(FLAGS_scratch));
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace headliner

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return headliner::Run();
}
