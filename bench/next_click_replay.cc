#include "next_click_replay.h"

#include <algorithm>
#include <filesystem>

#include "common/status_macros.h"
#include "common/time_util.h"
#include "sample/click_simulator.h"

namespace headliner {
namespace {

// Test clicks are learnt in steps of this many: each step's queries see the state before it.
constexpr size_t kTestStep = 100;
constexpr size_t kApplyBatch = 1000;
constexpr int kListLength = 10;
constexpr size_t kPopularListed = 200;
// Tuning scores every second query of its window: half the time, hardly less signal.
constexpr size_t kTuningStride = 2;

}  // namespace

std::vector<v1::ClickEvent> SimulateOverCatalogLife(const std::vector<SampleArticle>& catalog,
                                                    int sessions, uint64_t seed) {
  ClickSimulatorOptions options;
  options.sessions = sessions;
  options.seed = seed;
  absl::Time oldest = absl::InfiniteFuture(), newest = absl::InfinitePast();
  for (const SampleArticle& a : catalog) {
    const absl::Time t = absl::FromUnixSeconds(a.article.published_at().seconds());
    oldest = std::min(oldest, t);
    newest = std::max(newest, t);
  }
  options.start = oldest;
  options.span = newest - oldest;
  return SimulateClicks(catalog, options);
}

absl::StatusOr<std::unique_ptr<NextClickReplay>> NextClickReplay::Create(
    const std::string& scratch, const std::vector<SampleArticle>& catalog,
    const std::vector<v1::ClickEvent>& clicks, const EngineConfig& config) {
  std::unique_ptr<NextClickReplay> replay(new NextClickReplay(catalog, clicks, config));
  RETURN_IF_ERROR(replay->Open(scratch));
  return replay;
}

absl::Status NextClickReplay::Open(const std::string& scratch) {
  std::filesystem::remove_all(scratch);
  ASSIGN_OR_RETURN(engine_, Engine::Open(scratch, config_));
  absl::flat_hash_set<std::string> stories;
  for (const SampleArticle& a : catalog_) {
    stream_.push_back({FromProto(a.article.published_at()), a.article});
    story_of_[a.article.id()] = a.story.empty() ? a.article.id() : a.story;
    stories.insert(story_of_[a.article.id()]);
  }
  stats_.stories = stories.size();
  for (const v1::ClickEvent& c : clicks_) stream_.push_back({FromProto(c.occurred_at()), c});
  // Articles before clicks of the same instant: a click can be on an article just published.
  std::stable_sort(stream_.begin(), stream_.end(),
                   [](const TimedEvent& a, const TimedEvent& b) { return a.time < b.time; });
  return absl::OkStatus();
}

absl::Status NextClickReplay::ApplyUntil(absl::Time until) {
  while (applied_ < stream_.size() && stream_[applied_].time < until) {
    std::vector<IngestEvent> batch;
    const size_t first = applied_;
    while (applied_ < stream_.size() && stream_[applied_].time < until &&
           batch.size() < kApplyBatch) {
      batch.push_back(stream_[applied_++].event);
    }
    ASSIGN_OR_RETURN(std::vector<EventOutcome> outcomes, engine_->applier().ApplyBatch(batch));
    for (size_t i = 0; i < outcomes.size(); ++i) {
      if (const auto* a = std::get_if<v1::Article>(&stream_[first + i].event)) {
        dense_id_of_[a->id()] = outcomes[i].dense_id;
        external_id_of_[outcomes[i].dense_id] = a->id();
      }
    }
  }
  // What the server's background threads do.
  engine_->CompactIfDue();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint64_t>> NextClickReplay::MostPopular(absl::Time now) {
  std::vector<uint64_t> ids;
  for (const auto& [id, external] : external_id_of_) ids.push_back(id);
  ASSIGN_OR_RETURN(std::vector<Activity> activity,
                   engine_->tables().clicks().FindArticleActivities(ids));
  std::vector<std::pair<double, uint64_t>> ranked;
  const int64_t micros = absl::ToUnixMicros(now);
  for (size_t i = 0; i < ids.size(); ++i) {
    const double p = activity[i].popularity.ValueAt(micros, config_.clicks.popularity_half_life);
    if (p > 0) ranked.push_back({-p, ids[i]});
  }
  std::sort(ranked.begin(), ranked.end());
  if (ranked.size() > kPopularListed) ranked.resize(kPopularListed);
  ids.clear();
  for (const auto& [p, id] : ranked) ids.push_back(id);
  return ids;
}

absl::Status NextClickReplay::Query(const Method& method, const Ranker* ranker,
                                    const v1::ClickEvent& next,
                                    const std::vector<uint64_t>& popular, MethodScore& score) {
  const absl::flat_hash_set<std::string>& read = read_[next.session_id()];
  std::vector<std::string> list;
  const absl::Time t0 = absl::Now();
  if (method.most_popular) {
    for (uint64_t id : popular) {
      if (list.size() >= static_cast<size_t>(kListLength)) break;
      const std::string& external = external_id_of_.at(id);
      if (external != next.source_article_id() && !read.contains(external))
        list.push_back(external);
    }
  } else {
    RankRequest request;
    request.article_id = next.source_article_id();
    request.limit = kListLength;
    request.now = FromProto(next.occurred_at());
    request.session_id = next.session_id();
    request.user_id = next.user_id();
    request.filter.exclude_ids.insert(read.begin(), read.end());
    ASSIGN_OR_RETURN(RankResult result, ranker->Rank(request));
    for (const RankedArticle& item : result.items) list.push_back(item.article.id());
  }
  score.latency_micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - t0));
  ++score.queries;
  const std::string& story = story_of_.at(next.source_article_id());
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i] == next.article_id()) {
      score.hits += 1;
      score.reciprocal_ranks += 1.0 / static_cast<double>(i + 1);
    }
    if (story_of_.at(list[i]) == story) score.story_precision += 1.0 / kListLength;
  }
  if (record_lists_) {
    score.lists.push_back(std::move(list));
    score.next_clicks.push_back(next.article_id());
    score.sessions.push_back(next.session_id());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<MethodScore>> NextClickReplay::Score(const std::vector<Method>& methods,
                                                                size_t begin, size_t end,
                                                                size_t stride) {
  std::vector<std::unique_ptr<Ranker>> rankers;
  for (const Method& m : methods) {
    // The served Ranker over the engine's sources, with the method's weights.
    rankers.push_back(std::make_unique<Ranker>(engine_->sources(), m.ranking));
  }
  std::vector<MethodScore> scores(methods.size());
  size_t seen = 0;
  for (size_t step = begin; step < end; step += kTestStep) {
    RETURN_IF_ERROR(ApplyUntil(FromProto(clicks_[step].occurred_at())));
    ASSIGN_OR_RETURN(std::vector<uint64_t> popular,
                     MostPopular(FromProto(clicks_[step].occurred_at())));
    for (size_t i = step; i < std::min(end, step + kTestStep); ++i) {
      const v1::ClickEvent& next = clicks_[i];
      if (!next.source_article_id().empty() && dense_id_of_.contains(next.source_article_id()) &&
          seen++ % stride == 0) {
        for (size_t m = 0; m < methods.size(); ++m) {
          RETURN_IF_ERROR(Query(methods[m], rankers[m].get(), next, popular, scores[m]));
        }
      }
      read_[next.session_id()].insert(next.article_id());
    }
  }
  return scores;
}

absl::StatusOr<ReplayResult> NextClickReplay::Run(const std::vector<Method>& methods,
                                                  double test_fraction,
                                                  const TuningOptions* tuning) {
  const double n = static_cast<double>(clicks_.size());
  const size_t split = static_cast<size_t>(n * (1 - test_fraction));
  const size_t tune_from =
      tuning ? static_cast<size_t>(n * (1 - test_fraction - tuning->fraction)) : split;
  for (size_t i = 0; i < tune_from; ++i) {
    read_[clicks_[i].session_id()].insert(clicks_[i].article_id());
  }
  stats_.training_clicks = split;
  ReplayResult result;
  std::vector<Method> tested = methods;
  if (tuning != nullptr && !tuning->grid.empty()) {
    ASSIGN_OR_RETURN(std::vector<MethodScore> grid,
                     Score(tuning->grid, tune_from, split, kTuningStride));
    const double floor = grid[0].StoryPrecision() - tuning->max_story_precision_loss;
    size_t best = 0;
    for (size_t i = 1; i < grid.size(); ++i) {
      if (grid[i].StoryPrecision() < floor) continue;
      if (best == 0 || grid[i].HitRate() > grid[best].HitRate()) best = i;
    }
    result.tuned = tuning->grid[best];
    tested.push_back(*result.tuned);
  }
  ASSIGN_OR_RETURN(result.scores, Score(tested, split, clicks_.size(), 1));
  stats_.queries = result.scores.empty() ? 0 : result.scores[0].queries;
  return result;
}

}  // namespace headliner
