#include "rank/ranker.h"

#include <algorithm>
#include <cmath>

#include "common/status_macros.h"
#include "common/time_util.h"
#include "rank/diversifier.h"
#include "rank/metadata_filter.h"

namespace headliner {
namespace {

// The list is rebuilt this much wider while filters leave too few items.
constexpr int kCandidateGrowth = 4;
// The fallback scans at most this many of the newest articles for ones passing the filter.
constexpr int kMaxFallbackScan = 20000;
constexpr int kFallbackChunk = 256;

bool IsZero(const std::vector<float>& v) {
  return std::all_of(v.begin(), v.end(), [](float x) { return x == 0.0f; });
}

absl::Status CheckDeadline(const RankRequest& request) {
  if (absl::Now() > request.deadline) {
    return absl::DeadlineExceededError("deadline passed while ranking");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RankResult> Ranker::Rank(const RankRequest& request) const {
  // The source from the id map and the metadata in memory: its catalog row (a read and a parse
  // per request) holds nothing ranking needs.
  ASSIGN_OR_RETURN(std::optional<uint64_t> dense_id,
                   sources_.articles.FindDenseId(request.article_id));
  if (!dense_id) return Freshest(request);
  const ArticleMetadataTable& metadata = sources_.articles.metadata();
  const ArticleMetadata m = metadata.Find(*dense_id);
  if (!m.live) return Freshest(request);
  const RankSource source{*dense_id, metadata.SectionName(m.section)};
  // The query is the stored full-precision vector (the index may hold a quantised copy).
  if (!sources_.content_index.Contains(source.dense_id)) return Freshest(request);
  ASSIGN_OR_RETURN(std::shared_ptr<const std::vector<float>> query,
                   sources_.articles.FindSourceEmbedding(source.dense_id));
  if (query == nullptr || IsZero(*query)) return Freshest(request);
  return RankRelated(request, source, *query);
}

absl::StatusOr<absl::flat_hash_set<uint64_t>> Ranker::AlreadyRead(
    const RankRequest& request) const {
  absl::flat_hash_set<uint64_t> read;
  std::vector<std::string> keys;
  if (!request.session_id.empty()) keys.push_back(ClickStore::ReaderKey(request.session_id, ""));
  if (!request.user_id.empty()) keys.push_back(ClickStore::ReaderKey("", request.user_id));
  for (const std::string& key : keys) {
    ASSIGN_OR_RETURN(std::vector<SessionClick> clicks, sources_.clicks.FindSession(key));
    for (const SessionClick& c : clicks) read.insert(c.dense_id);
  }
  return read;
}

absl::StatusOr<absl::flat_hash_set<uint64_t>> Ranker::Excluded(const RankRequest& request) const {
  ASSIGN_OR_RETURN(absl::flat_hash_set<uint64_t> excluded, AlreadyRead(request));
  for (const std::string& id : request.filter.exclude_ids) {
    ASSIGN_OR_RETURN(std::optional<uint64_t> dense_id, sources_.articles.FindDenseId(id));
    if (dense_id) excluded.insert(*dense_id);
  }
  return excluded;
}

absl::StatusOr<std::shared_ptr<const CandidateList>> Ranker::ListOf(uint64_t source,
                                                                    const std::vector<float>& query,
                                                                    int k, int* built) const {
  uint64_t round = 0;
  if (cache_ != nullptr) {
    round = cache_->round();
    if (std::shared_ptr<const CandidateList> cached = cache_->Find(source, k)) {
      bool refreshed = false;
      ASSIGN_OR_RETURN(std::shared_ptr<const CandidateList> current,
                       builder_.WithCurrentPartners(std::move(cached), query, &refreshed));
      if (refreshed) cache_->Put(current, round);
      return current;
    }
  }
  ASSIGN_OR_RETURN(CandidateList fresh, builder_.Build(source, query, k));
  ++*built;
  auto list = std::make_shared<const CandidateList>(std::move(fresh));
  if (cache_ != nullptr) cache_->Put(list, round);
  return list;
}

absl::StatusOr<std::shared_ptr<const CandidateList>> Ranker::FilteredListOf(
    uint64_t source, const std::vector<float>& query, int k, const MetadataFilter& filter,
    absl::Time now, int* built) const {
  if (cache_ != nullptr) {
    if (std::shared_ptr<const CandidateList> kept =
            cache_->FindFiltered(source, filter.Key(), k, now)) {
      return kept;
    }
  }
  const ArticleMetadataTable& metadata = sources_.articles.metadata();
  const VectorIndex::IdFilter within = [&](uint64_t id) {
    return filter.Matches(metadata.Find(id));
  };
  ASSIGN_OR_RETURN(CandidateList fresh, builder_.Build(source, query, k, &within));
  ++*built;
  auto list = std::make_shared<const CandidateList>(std::move(fresh));
  if (cache_ != nullptr) cache_->PutFiltered(list, filter.Key(), now);
  return list;
}

absl::StatusOr<RankResult> Ranker::RankRelated(const RankRequest& request, const RankSource& source,
                                               const std::vector<float>& query) const {
  ASSIGN_OR_RETURN(const absl::flat_hash_set<uint64_t> excluded, Excluded(request));
  const size_t limit = static_cast<size_t>(request.limit);
  int k = std::max(config_.candidate_pool, request.limit + 1);
  int scored = 0;
  // Once the source's own list leaves too few items under the request's metadata filter, the
  // indexes are searched within the filter (FilteredListOf) instead of widening the list.
  const ArticleMetadataTable& metadata = sources_.articles.metadata();
  const MetadataFilter filter(request.filter, metadata, request.now);
  bool filtered = false;
  int built = 0;
  while (true) {
    RETURN_IF_ERROR(CheckDeadline(request));
    std::shared_ptr<const CandidateList> list;
    if (filtered) {
      ASSIGN_OR_RETURN(list,
                       FilteredListOf(source.dense_id, query, k, filter, request.now, &built));
    } else {
      ASSIGN_OR_RETURN(list, ListOf(source.dense_id, query, k, &built));
    }
    ASSIGN_OR_RETURN(std::vector<Candidate> candidates,
                     scorer_.Score(*list, {source, query, request, excluded, filter}));
    scored += static_cast<int>(candidates.size());
    if (config_.mmr_lambda < 1) {
      for (Candidate& c : candidates) {
        c.content_vector = sources_.content_index.Vector(c.dense_id).value_or(std::vector<float>());
      }
    }
    std::vector<Candidate> shown = SelectDiverse(candidates, limit, config_);
    if (shown.size() >= limit || list->exhausted || list->k >= CandidateList::kMaxSearch) {
      ASSIGN_OR_RETURN(RankResult result, Finish(request, std::move(shown)));
      result.candidates_scored = scored;
      result.widest_list = list->k;
      result.filtered_search = filtered;
      result.lists_built = built;
      return result;
    }
    if (!filtered && filter.restricts()) {
      filtered = true;  // the same k, within the filter
    } else {
      k = std::min(list->k * kCandidateGrowth, CandidateList::kMaxSearch);
    }
  }
}

absl::StatusOr<RankResult> Ranker::Finish(const RankRequest& request,
                                          std::vector<Candidate> shown) const {
  std::vector<uint64_t> ids;
  for (const Candidate& c : shown) ids.push_back(c.dense_id);
  ASSIGN_OR_RETURN(std::vector<std::optional<v1::Article>> articles,
                   sources_.articles.FindByDenseIds(ids));
  RankResult result;
  for (size_t i = 0; i < shown.size(); ++i) {
    if (!articles[i] || articles[i]->deleted()) continue;  // deleted since it was scored
    RankedArticle item;
    item.score = shown[i].score;
    if (request.explain) item.reasons = Explain(config_, shown[i].features);
    item.article = *std::move(articles[i]);
    result.items.push_back(std::move(item));
  }
  return result;
}

absl::StatusOr<RankResult> Ranker::Freshest(const RankRequest& request) const {
  ASSIGN_OR_RETURN(const absl::flat_hash_set<uint64_t> read, AlreadyRead(request));
  RankResult result;
  result.fallback = true;
  std::vector<uint64_t> chunk;
  int scanned = 0;
  auto flush = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<std::optional<v1::Article>> articles,
                     sources_.articles.FindByDenseIds(chunk));
    chunk.clear();
    for (auto& a : articles) {
      if (result.items.size() >= static_cast<size_t>(request.limit)) break;
      if (!a || a->id() == request.article_id || !request.filter.Matches(*a, request.now)) continue;
      RankedArticle item;
      const double freshness =
          Freshness(FromProto(a->published_at()), request.now, config_.freshness_half_life);
      item.score = config_.freshness_weight * freshness;
      if (request.explain) item.reasons = {{"freshness", freshness, item.score}};
      item.article = std::move(*a);
      result.items.push_back(std::move(item));
    }
    return CheckDeadline(request);
  };
  RETURN_IF_ERROR(sources_.articles.ForEachNewest([&](uint64_t dense_id,
                                                      int64_t /*micros*/) -> absl::StatusOr<bool> {
    if (!read.contains(dense_id)) chunk.push_back(dense_id);
    ++scanned;
    if (chunk.size() >= static_cast<size_t>(kFallbackChunk)) RETURN_IF_ERROR(flush());
    return result.items.size() < static_cast<size_t>(request.limit) && scanned < kMaxFallbackScan;
  }));
  if (!chunk.empty() && result.items.size() < static_cast<size_t>(request.limit)) {
    RETURN_IF_ERROR(flush());
  }
  return result;
}

}  // namespace headliner
