// How many impressions each experiment design needs to tell two rankings apart: an A/B split
// (CTR per reader, delta method, as Admin.ExperimentReport computes it) against team-draft
// interleaving (wins per impression, sign test), on the same pair of rankings and the same
// simulated readers.
//
// The rankings' lists come from the next-click harness (next_click_replay.h): every test query's
// related list from each ranking, over the same learnt state, with the click that really came next
// in that session. A simulated reader looks at position i with probability 1 / log2(i + 2) (the
// position bias DCG assumes), clicks the item they came for when they look at it, and clicks any
// other item they look at with probability --noise; readers differ in how often they engage with
// the list at all (--engagement). Impressions walk the queries in a random order, and each pass
// over them brings a new population of readers, so a larger experiment reaches more readers, as
// it does on a site. Each design's experiment is replayed
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
#include "absl/strings/numbers.h"
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
ABSL_FLAG(std::vector<std::string>, engagement, (std::vector<std::string>{"0.5", "1.5"}),
          "Beta(a, b) of each reader's probability of engaging with the list at all; \"0\": "
          "every reader always does.");
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
  // Readers differ: each engages with the list at all with a probability of their own, drawn
  // from Beta(engagement_a, engagement_b); 0: every reader always engages.
  double engagement_a = 0, engagement_b = 0;

  double MeanEngagement() const {
    return engagement_a > 0 ? engagement_a / (engagement_a + engagement_b) : 1;
  }
  // A population of `units` readers' engagement.
  std::vector<double> DrawEngagement(size_t units, std::mt19937_64& rng) const {
    std::vector<double> out(units, 1.0);
    if (engagement_a <= 0) return out;
    std::gamma_distribution<double> x(engagement_a), y(engagement_b);
    for (double& e : out) {
      const double gx = x(rng);
      e = gx / (gx + y(rng));
    }
    return out;
  }
  // Whether a reader with `engagement` looks at the list this time.
  static bool Engages(double engagement, std::mt19937_64& rng) {
    return engagement >= 1 || std::uniform_real_distribution<double>(0, 1)(rng) < engagement;
  }
  // Whether the reader clicks `item` at `position`.
  bool Clicks(uint64_t item, size_t position, uint64_t target, std::mt19937_64& rng) const {
    std::uniform_real_distribution<double> u(0, 1);
    if (u(rng) >= 1 / std::log2(static_cast<double>(position) + 2)) return false;  // not seen
    return item == target || u(rng) < noise;
  }
};

// The readers of one pass over the pool: the pool's sessions as new readers, each with its
// engagement (and, in an A/B split, its arm). A larger experiment reaches more readers, not the
// same ones more often: every pass over the pool brings a new population.
struct Population {
  std::vector<double> engagement;
  std::vector<uint8_t> arm;

  void Draw(size_t units, const ClickModel& model, std::mt19937_64& rng) {
    engagement = model.DrawEngagement(units, rng);
    arm.resize(units);
    for (auto& a : arm) a = rng() & 1;
  }
};

// Adds a unit's counts to its variant's sums (store/experiment_store.h's fields).
void AddUnit(const UnitCounts& c, VariantTotals& t) {
  if (c.impressions == 0) return;
  ++t.units;
  t.impressions += c.impressions;
  t.clicks += c.clicks;
  t.impressions_squared += c.impressions * c.impressions;
  t.clicks_squared += c.clicks * c.clicks;
  t.impressions_clicks += c.impressions * c.clicks;
}

// An A/B experiment in progress: readers split at random, counts per reader. The readers of
// finished passes are folded into the sums.
class AbExperiment {
 public:
  AbExperiment(size_t units, const ClickModel& model, std::mt19937_64& rng)
      : model_(model), counts_(units) {
    readers_.Draw(units, model, rng);
  }
  void NewPass(std::mt19937_64& rng) {
    for (size_t u = 0; u < counts_.size(); ++u) AddUnit(counts_[u], folded_[readers_.arm[u]]);
    std::fill(counts_.begin(), counts_.end(), UnitCounts());
    readers_.Draw(counts_.size(), model_, rng);
  }
  void Serve(const Query& q, std::mt19937_64& rng) {
    const std::vector<uint64_t>& list = readers_.arm[q.unit] ? q.b : q.a;
    UnitCounts& c = counts_[q.unit];
    ++c.impressions;
    if (!ClickModel::Engages(readers_.engagement[q.unit], rng)) return;
    for (size_t i = 0; i < list.size(); ++i) c.clicks += model_.Clicks(list[i], i, q.target, rng);
  }
  // The readout's p-value of B against A, and B's lift (> 0: B better).
  std::pair<double, double> Test() const {
    std::vector<VariantReadout> v(2);
    for (int arm = 0; arm < 2; ++arm) v[arm].totals = folded_[arm];
    for (size_t u = 0; u < counts_.size(); ++u) AddUnit(counts_[u], v[readers_.arm[u]].totals);
    const ExperimentReadout r = ReadOutExperiment("ab", std::move(v), 0);
    return {r.variants[1].p_value, r.variants[1].lift};
  }

 private:
  const ClickModel& model_;
  std::vector<UnitCounts> counts_;  // this pass's readers
  Population readers_;
  VariantTotals folded_[2];
};

// An interleaving experiment in progress: impressions won by each team.
class InterleavingExperiment {
 public:
  InterleavingExperiment(size_t units, const ClickModel& model, std::mt19937_64& rng)
      : model_(model), units_(units) {
    readers_.Draw(units, model, rng);
  }
  void NewPass(std::mt19937_64& rng) { readers_.Draw(units_, model_, rng); }
  void Serve(const Query& q, std::mt19937_64& rng) {
    if (!ClickModel::Engages(readers_.engagement[q.unit], rng)) return;  // no clicks: no outcome
    int clicks_a = 0, clicks_b = 0;
    const std::vector<DraftPick> picks =
        TeamDraft(q.a, q.b, std::max(q.a.size(), q.b.size()), rng());
    for (size_t i = 0; i < picks.size(); ++i) {
      const bool a = picks[i].team == Team::kA;
      if (model_.Clicks((a ? q.a : q.b)[picks[i].index], i, q.target, rng)) {
        ++(a ? clicks_a : clicks_b);
      }
    }
    totals_.wins_a += clicks_a > clicks_b;
    totals_.wins_b += clicks_b > clicks_a;
  }
  std::pair<double, double> Test() const {
    const InterleavingReadout r = ReadOutInterleaving("a", "b", totals_);
    return {r.p_value, static_cast<double>(totals_.wins_b) - static_cast<double>(totals_.wins_a)};
  }

 private:
  const ClickModel& model_;
  const size_t units_;
  Population readers_;
  InterleavingTotals totals_;
};

// One replicate: its randomness, its design's state, and its walk over the pool (a fresh random
// order per pass).
template <typename Design>
struct Replicate {
  std::mt19937_64 rng;
  Design design;
  std::vector<uint32_t> order;
  size_t next = 0;

  Replicate(uint64_t seed, size_t pool, size_t units, const ClickModel& model)
      : rng(seed), design(units, model, rng), order(pool) {
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
  }
  void ServeNext(const std::vector<Query>& queries) {
    if (next == order.size()) {
      std::shuffle(order.begin(), order.end(), rng);
      next = 0;
      design.NewPass(rng);
    }
    design.Serve(queries[order[next++]], rng);
  }
};

struct DesignResult {
  int64_t impressions = -1;  // needed for the power asked; -1: not within --max_impressions
  double power = 0;          // reached there (or at the largest size)
};

// Grows --replicates experiments of one design in lockstep until enough of them detect the
// better ranking (`b_better`: B; else A), or until `max_impressions`; with `fixed` > 0, runs to
// that size only and reports the share significant in either direction (A/A runs).
template <typename Design>
DesignResult Grow(const std::vector<Query>& pool, const ClickModel& model, bool b_better,
                  int64_t fixed, int replicates, uint64_t seed) {
  size_t units = 0;
  for (const Query& q : pool) units = std::max<size_t>(units, q.unit + 1);
  std::vector<Replicate<Design>> runs;
  runs.reserve(static_cast<size_t>(replicates));
  for (int r = 0; r < replicates; ++r) {
    runs.emplace_back(seed * 1000003 + static_cast<uint64_t>(r), pool.size(), units, model);
  }
  const int64_t max = fixed > 0 ? fixed : absl::GetFlag(FLAGS_max_impressions);
  DesignResult out;
  int64_t served = 0;
  for (double size = 50; served < max; size *= std::sqrt(2.0)) {
    const int64_t next = fixed > 0 ? fixed : std::min<int64_t>(max, std::llround(size));
    int detected = 0;
    for (Replicate<Design>& run : runs) {
      for (int64_t i = served; i < next; ++i) run.ServeNext(pool);
      const auto [p, effect] = run.design.Test();
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
  return pool.empty() ? 0 : model.MeanEngagement() * sum / static_cast<double>(pool.size());
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
                 const ClickModel& model, uint64_t seed) {
  const std::vector<Query> pool = PoolOf(sa, sb);
  const bool b_better = sb.HitRate() > sa.HitRate();
  const int replicates = absl::GetFlag(FLAGS_replicates);
  const DesignResult ab = Grow<AbExperiment>(pool, model, b_better, 0, replicates, seed);
  const DesignResult il =
      Grow<InterleavingExperiment>(pool, model, b_better, 0, replicates, seed + 1);
  std::printf(
      "| %s (%.4f, CTR %.4f) vs %s (%.4f, CTR %.4f) | %s | %s | %s |\n", a.name.c_str(),
      sa.HitRate(), ExpectedCtr(pool, model, true), b.name.c_str(), sb.HitRate(),
      ExpectedCtr(pool, model, false), Impressions(ab).c_str(), Impressions(il).c_str(),
      ab.impressions > 0 && il.impressions > 0
          ? absl::StrFormat("%.1fx", static_cast<double>(ab.impressions) / il.impressions).c_str()
          : "-");
}

void CheckFalsePositives(const MethodScore& s, const ClickModel& model, uint64_t seed) {
  const std::vector<Query> pool = PoolOf(s, s);
  const int64_t n = 20000;
  const int replicates = absl::GetFlag(FLAGS_aa_replicates);
  const DesignResult ab = Grow<AbExperiment>(pool, model, false, n, replicates, seed);
  const DesignResult il = Grow<InterleavingExperiment>(pool, model, false, n, replicates, seed + 1);
  std::printf(
      "\nA/A (the served hybrid against itself, %lld impressions, %d replicates): p < 0.05 "
      "in %.1f%% of A/B runs and %.1f%% of interleaving runs (5%% expected)\n",
      static_cast<long long>(n), replicates, 100 * ab.power, 100 * il.power);
}

int Run() {
  ClickModel model{absl::GetFlag(FLAGS_noise)};
  if (const std::vector<std::string> e = absl::GetFlag(FLAGS_engagement);
      !(e.size() == 1 && e[0] == "0") &&
      (e.size() != 2 || !absl::SimpleAtod(e[0], &model.engagement_a) ||
       !absl::SimpleAtod(e[1], &model.engagement_b) || model.engagement_a <= 0 ||
       model.engagement_b <= 0)) {
    std::fprintf(stderr, "--engagement: expected \"a,b\" (both > 0) or \"0\"\n");
    return 1;
  }
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
      "## %s: %zu test queries; %d replicates per size; power %.2f; noise clicks %.3f; reader "
      "engagement %s\n\n"
      "| A (hit@10, expected CTR) vs B (hit@10, expected CTR) | A/B: impressions | interleaving: "
      "impressions | ratio |\n"
      "|---|---|---|---|\n",
      absl::GetFlag(FLAGS_dataset).c_str(), result->scores[0].lists.size(),
      absl::GetFlag(FLAGS_replicates), absl::GetFlag(FLAGS_power), absl::GetFlag(FLAGS_noise),
      model.engagement_a > 0 ? absl::StrFormat("Beta(%g, %g), mean %.2f", model.engagement_a,
                                               model.engagement_b, model.MeanEngagement())
                                   .c_str()
                             : "1 (every reader always looks)");
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  for (size_t m = 1; m < compared.size(); ++m) {
    ComparePair(compared[0], result->scores[0], compared[m], result->scores[m], model,
                seed + 10 * m);
    std::fflush(stdout);
  }
  CheckFalsePositives(result->scores[0], model, seed + 100);
  return 0;
}

}  // namespace
}  // namespace headliner

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return headliner::Run();
}
