// How many impressions each experiment design needs to tell two rankings apart: an A/B split
// (CTR per reader, delta method, as Admin.ExperimentReport computes it) against team-draft
// interleaving (wins per impression, sign test), on the same pair of rankings and the same
// simulated readers.
//
// The rankings' lists come from the next-click harness (next_click_replay.h): every test query's
// related list from each ranking, over the same learnt state, with the click that really came next
// in that session. A simulated reader looks at position i with probability 1 / log2(i + 2) (the
// position bias DCG assumes), clicks the item they came for when they look at it, and clicks any
// other item they look at with probability --noise. Each design's experiment is replayed
// --replicates times with fresh randomness (reader assignment, coin flips, clicks) and grows in
// steps of sqrt(2); "impressions needed" is the first size at which at least --power of the
// replicates reach p < 0.05 in favour of the ranking the harness scores better. A/A runs (a
// ranking against itself) check that both tests keep their 5% false-positive rate. The table
// gives each ranking's hit@10 on the harness and the CTR the reader model expects of its lists
// (the true effect an A/B split estimates).
//   build/bench/experiment_design_bench [--dataset sample|uci] [--replicates 200]
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_format.h"
#include "experiment/experiment_statistics.h"
#include "experiment/team_draft.h"
#include "harness_methods.h"
#include "next_click_replay.h"
#include "sample/click_simulator.h"
#include "sample/sample_catalog.h"
#include "sample/uci_news.h"

ABSL_FLAG(std::string, dataset, "sample", "sample or uci (../shared/data/uci-news-dev.csv)");
ABSL_FLAG(int, sessions, 20000, "Simulated reading sessions of the harness.");
ABSL_FLAG(int, replicates, 200, "Simulated experiments per design and size.");
ABSL_FLAG(int, aa_replicates, 1000, "Simulated A/A experiments per design.");
ABSL_FLAG(double, power, 0.8, "Share of the replicates that must detect the better ranking.");
ABSL_FLAG(double, noise, 0.02, "Probability of a click on a looked-at item not come for.");
ABSL_FLAG(int64_t, max_impressions, 4000000, "Largest experiment tried.");
ABSL_FLAG(uint64_t, seed, 11, "Seed of the simulated experiments.");
ABSL_FLAG(std::string, scratch, "/tmp/headliner-experiment-design-bench", "Scratch directory.");

namespace headliner {
namespace {

constexpr double kAlpha = 0.05;

// One test query of the harness: the lists of both rankings and what the reader came for.
struct Query {
  std::vector<uint64_t> a, b;  // article ids, hashed
  uint64_t target = 0;
  uint32_t unit = 0;  // the session, numbered
};

struct ClickModel {
  double noise = 0.02;
  // Whether the reader clicks `item` at `position`.
  bool Clicks(uint64_t item, size_t position, uint64_t target, std::mt19937_64& rng) const {
    std::uniform_real_distribution<double> u(0, 1);
    if (u(rng) >= 1 / std::log2(static_cast<double>(position) + 2)) return false;  // not seen
    return item == target || u(rng) < noise;
  }
};

// An A/B experiment in progress: readers split at random, counts per reader.
class AbExperiment {
 public:
  AbExperiment(size_t units, std::mt19937_64& rng) : counts_(units), arm_(units) {
    for (auto& arm : arm_) arm = rng() & 1;
  }
  void Serve(const Query& q, const ClickModel& model, std::mt19937_64& rng) {
    const std::vector<uint64_t>& list = arm_[q.unit] ? q.b : q.a;
    UnitCounts& c = counts_[q.unit];
    ++c.impressions;
    for (size_t i = 0; i < list.size(); ++i) c.clicks += model.Clicks(list[i], i, q.target, rng);
  }
  // The readout's p-value of B against A, and B's lift (> 0: B better).
  std::pair<double, double> Test() const {
    std::vector<VariantReadout> v(2);
    for (size_t u = 0; u < counts_.size(); ++u) {
      const UnitCounts& c = counts_[u];
      if (c.impressions == 0) continue;
      VariantTotals& t = v[arm_[u]].totals;
      ++t.units;
      t.impressions += c.impressions;
      t.clicks += c.clicks;
      t.impressions_squared += c.impressions * c.impressions;
      t.clicks_squared += c.clicks * c.clicks;
      t.impressions_clicks += c.impressions * c.clicks;
    }
    const ExperimentReadout r = ReadOutExperiment("ab", std::move(v), 0);
    return {r.variants[1].p_value, r.variants[1].lift};
  }

 private:
  std::vector<UnitCounts> counts_;
  std::vector<uint8_t> arm_;
};

// An interleaving experiment in progress: impressions won by each team.
class InterleavingExperiment {
 public:
  void Serve(const Query& q, const ClickModel& model, std::mt19937_64& rng) {
    int clicks_a = 0, clicks_b = 0;
    const std::vector<DraftPick> picks =
        TeamDraft(q.a, q.b, std::max(q.a.size(), q.b.size()), rng());
    for (size_t i = 0; i < picks.size(); ++i) {
      const bool a = picks[i].team == Team::kA;
      if (model.Clicks((a ? q.a : q.b)[picks[i].index], i, q.target, rng))
        ++(a ? clicks_a : clicks_b);
    }
    totals_.wins_a += clicks_a > clicks_b;
    totals_.wins_b += clicks_b > clicks_a;
  }
  std::pair<double, double> Test() const {
    const InterleavingReadout r = ReadOutInterleaving("a", "b", totals_);
    return {r.p_value, static_cast<double>(totals_.wins_b) - static_cast<double>(totals_.wins_a)};
  }

 private:
  InterleavingTotals totals_;
};

struct DesignResult {
  int64_t impressions = -1;  // needed for the power asked; -1: not within --max_impressions
  double power = 0;          // reached there (or at the largest size)
};

// Grows --replicates experiments of one design in lockstep until enough of them detect the
// better ranking (`b_better`: B; else A), or until `max_impressions`; with `fixed` > 0, runs to
// that size only and reports the share significant in either direction (A/A runs).
template <typename Design, typename Make>
DesignResult Grow(const std::vector<Query>& pool, Make make, bool b_better, int64_t fixed,
                  int replicates, uint64_t seed) {
  ClickModel model{absl::GetFlag(FLAGS_noise)};
  std::vector<std::mt19937_64> rngs;
  std::vector<Design> designs;
  for (int r = 0; r < replicates; ++r) {
    rngs.emplace_back(seed * 1000003 + static_cast<uint64_t>(r));
    designs.push_back(make(rngs.back()));
  }
  const int64_t max = fixed > 0 ? fixed : absl::GetFlag(FLAGS_max_impressions);
  DesignResult out;
  int64_t served = 0;
  for (double size = 50; served < max; size *= std::sqrt(2.0)) {
    const int64_t next = fixed > 0 ? fixed : std::min<int64_t>(max, std::llround(size));
    int detected = 0;
    for (int r = 0; r < replicates; ++r) {
      std::uniform_int_distribution<size_t> pick(0, pool.size() - 1);
      for (int64_t i = served; i < next; ++i) designs[r].Serve(pool[pick(rngs[r])], model, rngs[r]);
      const auto [p, effect] = designs[r].Test();
      detected += p < kAlpha && (fixed > 0 || (effect > 0) == b_better);
    }
    served = next;
    out.power = static_cast<double>(detected) / replicates;
    if (fixed == 0 && out.power >= absl::GetFlag(FLAGS_power)) {
      out.impressions = served;
      break;
    }
  }
  return out;
}

// Clicks per impression that the model gives a ranking's lists, on average over the pool: the
// CTR an A/B split estimates.
double ExpectedCtr(const std::vector<Query>& pool, const ClickModel& model, bool a) {
  double sum = 0;
  for (const Query& q : pool) {
    const std::vector<uint64_t>& list = a ? q.a : q.b;
    for (size_t i = 0; i < list.size(); ++i) {
      sum += (list[i] == q.target ? 1 : model.noise) / std::log2(static_cast<double>(i) + 2);
    }
  }
  return pool.empty() ? 0 : sum / static_cast<double>(pool.size());
}

// The harness's queries of two methods as a pool of simulated impressions.
std::vector<Query> PoolOf(const MethodScore& a, const MethodScore& b) {
  std::vector<Query> pool;
  absl::flat_hash_map<std::string, uint32_t> units;
  auto hashed = [](const std::vector<std::string>& ids) {
    std::vector<uint64_t> out;
    for (const std::string& id : ids) out.push_back(absl::HashOf(id));
    return out;
  };
  for (size_t q = 0; q < a.lists.size(); ++q) {
    const uint32_t unit =
        units.try_emplace(a.sessions[q], static_cast<uint32_t>(units.size())).first->second;
    pool.push_back({hashed(a.lists[q]), hashed(b.lists[q]), absl::HashOf(a.next_clicks[q]), unit});
  }
  return pool;
}

std::string Impressions(const DesignResult& r) {
  if (r.impressions >= 0) return std::to_string(r.impressions);
  return absl::StrFormat("> %d (power %.2f there)", absl::GetFlag(FLAGS_max_impressions), r.power);
}

void ComparePair(const Method& a, const MethodScore& sa, const Method& b, const MethodScore& sb,
                 uint64_t seed) {
  const std::vector<Query> pool = PoolOf(sa, sb);
  size_t units = 0;
  for (const Query& q : pool) units = std::max<size_t>(units, q.unit + 1);
  const bool b_better = sb.HitRate() > sa.HitRate();
  const int replicates = absl::GetFlag(FLAGS_replicates);
  const DesignResult ab = Grow<AbExperiment>(
      pool, [&](std::mt19937_64& rng) { return AbExperiment(units, rng); }, b_better, 0, replicates,
      seed);
  const DesignResult il = Grow<InterleavingExperiment>(
      pool, [](std::mt19937_64&) { return InterleavingExperiment(); }, b_better, 0, replicates,
      seed + 1);
  const ClickModel model{absl::GetFlag(FLAGS_noise)};
  std::printf(
      "| %s (%.4f, CTR %.4f) vs %s (%.4f, CTR %.4f) | %s | %s | %s |\n", a.name.c_str(),
      sa.HitRate(), ExpectedCtr(pool, model, true), b.name.c_str(), sb.HitRate(),
      ExpectedCtr(pool, model, false), Impressions(ab).c_str(), Impressions(il).c_str(),
      ab.impressions > 0 && il.impressions > 0
          ? absl::StrFormat("%.1fx", static_cast<double>(ab.impressions) / il.impressions).c_str()
          : "-");
}

void CheckFalsePositives(const MethodScore& s, uint64_t seed) {
  const std::vector<Query> pool = PoolOf(s, s);
  size_t units = 0;
  for (const Query& q : pool) units = std::max<size_t>(units, q.unit + 1);
  const int64_t n = 20000;
  const int replicates = absl::GetFlag(FLAGS_aa_replicates);
  const DesignResult ab = Grow<AbExperiment>(
      pool, [&](std::mt19937_64& rng) { return AbExperiment(units, rng); }, false, n, replicates,
      seed);
  const DesignResult il = Grow<InterleavingExperiment>(
      pool, [](std::mt19937_64&) { return InterleavingExperiment(); }, false, n, replicates,
      seed + 1);
  std::printf(
      "\nA/A (the served hybrid against itself, %lld impressions, %d replicates): p < 0.05 "
      "in %.1f%% of A/B runs and %.1f%% of interleaving runs (5%% expected)\n",
      static_cast<long long>(n), replicates, 100 * ab.power, 100 * il.power);
}

int Run() {
  std::vector<SampleArticle> catalog;
  const bool uci = absl::GetFlag(FLAGS_dataset) == "uci";
  if (uci) {
    const std::optional<std::string> path = FindUciNews();
    if (!path) {
      std::printf("UCI News: skipped, uci-news-dev.csv not found\n");
      return 0;
    }
    absl::StatusOr<std::vector<SampleArticle>> read = ReadUciNews(*path, nullptr);
    if (!read.ok()) return std::fprintf(stderr, "%s\n", read.status().ToString().c_str()), 1;
    catalog = *std::move(read);
  } else {
    catalog = GenerateSampleCatalog(SampleCatalogOptions{});
  }
  // The harness's stream (next_click_bench's, seed 7).
  const std::vector<v1::ClickEvent> clicks =
      SimulateOverCatalogLife(catalog, absl::GetFlag(FLAGS_sessions), 7);
  std::vector<Method> methods = BaselineMethods();  // popular, content, co-visitation, ..., hybrid
  const Method hybrid = methods.back();
  // The served defaults against: the weights the harness fit on each catalog's training period
  // (BENCHMARKS.md, "Next-click quality"), more diversity, no co-visitation, content alone.
  Method fitted{"hybrid, weights fit on the training period", false, RankingConfig{}};
  fitted.ranking.content_weight = 0;
  fitted.ranking.behaviour_weight = uci ? 1 : 0;
  fitted.ranking.covisitation_weight = uci ? 3 : 5;
  std::vector<Method> compared = {hybrid, fitted};
  for (const Method& m : AblationMethods()) {
    if (m.name == "hybrid, MMR lambda 0.7" || m.name == "hybrid without co-visitation") {
      compared.push_back(m);
    }
  }
  compared.push_back(methods[1]);  // content only
  auto replay = NextClickReplay::Create(absl::GetFlag(FLAGS_scratch), catalog, clicks);
  if (!replay.ok()) return std::fprintf(stderr, "%s\n", replay.status().ToString().c_str()), 1;
  (*replay)->RecordLists(true);
  absl::StatusOr<ReplayResult> result = (*replay)->Run(compared, 0.2);
  std::filesystem::remove_all(absl::GetFlag(FLAGS_scratch));
  if (!result.ok()) return std::fprintf(stderr, "%s\n", result.status().ToString().c_str()), 1;
  std::printf(
      "## %s: %zu test queries; %d replicates per size; power %.2f; noise clicks %.3f\n\n"
      "| A (hit@10, expected CTR) vs B (hit@10, expected CTR) | A/B: impressions | interleaving: "
      "impressions | ratio |\n"
      "|---|---|---|---|\n",
      absl::GetFlag(FLAGS_dataset).c_str(), result->scores[0].lists.size(),
      absl::GetFlag(FLAGS_replicates), absl::GetFlag(FLAGS_power), absl::GetFlag(FLAGS_noise));
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  for (size_t m = 1; m < compared.size(); ++m) {
    ComparePair(compared[0], result->scores[0], compared[m], result->scores[m], seed + 10 * m);
    std::fflush(stdout);
  }
  CheckFalsePositives(result->scores[0], seed + 100);
  return 0;
}

}  // namespace
}  // namespace headliner

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return headliner::Run();
}
