// Replays a catalog and a click stream through EventApplier in time order and scores methods on
// the next clicks of the stream's latest part (see next_click_bench.cc).
#ifndef HEADLINER_BENCH_NEXT_CLICK_REPLAY_H_
#define HEADLINER_BENCH_NEXT_CLICK_REPLAY_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "engine/engine.h"
#include "harness_methods.h"
#include "sample/sample_catalog.h"

namespace headliner {

// Choosing hybrid weights on the past: the grid is scored on the last `fraction` of the clicks
// before the test split, and the best hybrid whose story precision stays within
// `max_story_precision_loss` of `grid[0]` (content only) is then tested with the other methods.
struct TuningOptions {
  std::vector<Method> grid;
  double fraction = 0.1;
  double max_story_precision_loss = 0.015;
};

struct ReplayResult {
  std::vector<MethodScore> scores;  // one per method, then the tuned hybrid if tuning
  std::optional<Method> tuned;
};

struct ReplayStats {
  size_t stories = 0;
  size_t training_clicks = 0;
  size_t queries = 0;
};

// The harness's click stream over `catalog`: readers arrive over the catalog's whole life, so
// articles keep arriving during the test.
std::vector<v1::ClickEvent> SimulateOverCatalogLife(const std::vector<SampleArticle>& catalog,
                                                    int sessions, uint64_t seed);

class NextClickReplay {
 public:
  // A fresh engine under `scratch`; the catalog and clicks must outlive the replay.
  static absl::StatusOr<std::unique_ptr<NextClickReplay>> Create(
      const std::string& scratch, const std::vector<SampleArticle>& catalog,
      const std::vector<v1::ClickEvent>& clicks, const EngineConfig& config = EngineConfig());

  // Learns on the stream before its last `test_fraction` of clicks (choosing hybrid weights on
  // its end when `tuning` is given), then scores `methods` on every test click that has a
  // previous click in its session.
  absl::StatusOr<ReplayResult> Run(const std::vector<Method>& methods, double test_fraction,
                                   const TuningOptions* tuning = nullptr);

  const ReplayStats& stats() const { return stats_; }
  // Keeps every test query's list, next click and session in its MethodScore (off by default).
  void RecordLists(bool on) { record_lists_ = on; }

 private:
  struct TimedEvent {
    absl::Time time;
    IngestEvent event;
  };

  NextClickReplay(const std::vector<SampleArticle>& catalog,
                  const std::vector<v1::ClickEvent>& clicks, const EngineConfig& config)
      : catalog_(catalog), clicks_(clicks), config_(config) {}
  absl::Status Open(const std::string& scratch);
  // Applies the stream's events before `until` that are not applied yet.
  absl::Status ApplyUntil(absl::Time until);
  // The most popular live articles at `now`, most popular first.
  absl::StatusOr<std::vector<uint64_t>> MostPopular(absl::Time now);
  // Scores `methods` on every `stride`-th next click of clicks_[begin, end), learning each step
  // of clicks after its queries.
  absl::StatusOr<std::vector<MethodScore>> Score(const std::vector<Method>& methods, size_t begin,
                                                 size_t end, size_t stride);
  absl::Status Query(const Method& method, const Ranker* ranker, const v1::ClickEvent& next,
                     const std::vector<uint64_t>& popular, MethodScore& score);

  const std::vector<SampleArticle>& catalog_;
  const std::vector<v1::ClickEvent>& clicks_;
  EngineConfig config_;
  bool record_lists_ = false;
  std::unique_ptr<Engine> engine_;

  std::vector<TimedEvent> stream_;  // articles at their publication, clicks at their time
  size_t applied_ = 0;              // events of stream_ applied so far
  absl::flat_hash_map<std::string, std::string> story_of_;
  absl::flat_hash_map<std::string, uint64_t> dense_id_of_;
  absl::flat_hash_map<uint64_t, std::string> external_id_of_;
  // Each session's clicks so far (including the ones not yet applied): what the reader has read.
  absl::flat_hash_map<std::string, absl::flat_hash_set<std::string>> read_;
  ReplayStats stats_;
};

}  // namespace headliner

#endif  // HEADLINER_BENCH_NEXT_CLICK_REPLAY_H_
