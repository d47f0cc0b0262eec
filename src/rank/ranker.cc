#include "rank/ranker.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "index/inner_product.h"

namespace headliner {
namespace {

// Candidate fetching widens by this factor while filters leave too few items, up to the cap.
constexpr int kCandidateGrowth = 4;
constexpr int kMaxCandidates = 20000;
// The fallback scans at most this many of the newest articles for ones passing the filter.
constexpr int kMaxFallbackScan = 20000;
constexpr int kFallbackChunk = 256;

float Dot(const std::vector<float>& a, const std::vector<float>& b) {
  return InnerProduct(a.data(), b.data(), std::min(a.size(), b.size()));
}

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

double Ranker::Freshness(const v1::Article& article, absl::Time now) const {
  const absl::Duration age =
      std::max(absl::ZeroDuration(), now - FromProto(article.published_at()));
  return std::exp2(-absl::FDivDuration(age, config_.freshness_half_life));
}

absl::StatusOr<RankResult> Ranker::Rank(const RankRequest& request) const {
  ASSIGN_OR_RETURN(std::optional<StoredArticle> source,
                   store_.FindByExternalId(request.article_id));
  if (!source || source->article.deleted()) return Freshest(request);
  // The query is the stored full-precision vector (the index may hold a quantised copy).
  if (!index_.Contains(source->dense_id)) return Freshest(request);
  ASSIGN_OR_RETURN(std::optional<std::vector<float>> query, store_.FindEmbedding(source->dense_id));
  if (!query || IsZero(*query)) return Freshest(request);
  return RankByContent(request, *source, *query);
}

absl::StatusOr<absl::flat_hash_set<uint64_t>> Ranker::AlreadyRead(
    const RankRequest& request) const {
  absl::flat_hash_set<uint64_t> read;
  if (!behaviour_) return read;
  std::vector<std::string> keys;
  if (!request.session_id.empty()) keys.push_back(ClickStore::ReaderKey(request.session_id, ""));
  if (!request.user_id.empty()) keys.push_back(ClickStore::ReaderKey("", request.user_id));
  for (const std::string& key : keys) {
    ASSIGN_OR_RETURN(std::vector<SessionClick> clicks, behaviour_->clicks.FindSession(key));
    for (const SessionClick& c : clicks) read.insert(c.dense_id);
  }
  return read;
}

absl::StatusOr<std::vector<std::pair<uint64_t, double>>> Ranker::CoVisited(uint64_t source) const {
  std::vector<std::pair<uint64_t, double>> out;
  if (!behaviour_ || config_.covisitation_weight == 0) return out;
  ASSIGN_OR_RETURN(std::vector<Partner> partners, behaviour_->covisitation.FindPartners(source));
  if (partners.empty()) return out;
  // One read for the source's and every partner's click count: this runs on every query.
  std::vector<uint64_t> ids = {source};
  for (const Partner& p : partners) ids.push_back(p.dense_id);
  ASSIGN_OR_RETURN(std::vector<Activity> activity, behaviour_->clicks.FindArticleActivities(ids));
  for (size_t i = 0; i < partners.size(); ++i) {
    // Jaccard c / (clicks(a) + clicks(b) - c); clamped because a pair can be counted more often
    // than its rarer article was clicked (a, b, a again in one session).
    const double uni = static_cast<double>(activity[0].clicks) +
                       static_cast<double>(activity[i + 1].clicks) - partners[i].weight;
    if (uni > 0) out.push_back({partners[i].dense_id, std::min(1.0, partners[i].weight / uni)});
  }
  return out;
}

absl::StatusOr<RankResult> Ranker::RankByContent(const RankRequest& request,
                                                 const StoredArticle& source,
                                                 const std::vector<float>& query) const {
  struct Candidate {
    v1::Article article;
    double similarity;
    double covisitation;
    double freshness;
    double score;
  };
  ASSIGN_OR_RETURN(const auto covisited, CoVisited(source.dense_id));
  ASSIGN_OR_RETURN(const absl::flat_hash_set<uint64_t> read, AlreadyRead(request));
  RankResult result;
  const size_t limit = static_cast<size_t>(request.limit);
  int k = std::max(config_.candidate_pool, request.limit + 1);
  while (true) {
    RETURN_IF_ERROR(CheckDeadline(request));
    // Content neighbours, then co-visited partners the index did not return (their content
    // similarity is computed from their stored vectors).
    std::vector<SearchHit> hits = index_.Search(query, k);
    const size_t content_hits = hits.size();
    absl::flat_hash_map<uint64_t, double> covisitation_of(covisited.begin(), covisited.end());
    for (const auto& [id, jaccard] : covisited) {
      const bool found = std::any_of(hits.begin(), hits.begin() + content_hits,
                                     [id = id](const SearchHit& h) { return h.id == id; });
      if (found) continue;
      std::optional<std::vector<float>> v = index_.Vector(id);
      if (v) hits.push_back({id, Dot(query, *v)});
    }
    std::vector<uint64_t> ids;
    ids.reserve(hits.size());
    for (const SearchHit& h : hits) ids.push_back(h.id);
    ASSIGN_OR_RETURN(std::vector<std::optional<v1::Article>> articles, store_.FindByDenseIds(ids));

    std::vector<Candidate> candidates;
    std::vector<uint64_t> candidate_ids;
    for (size_t i = 0; i < hits.size(); ++i) {
      if (!articles[i] || articles[i]->id() == source.article.id()) continue;
      if (read.contains(hits[i].id)) continue;
      if (!request.filter.Matches(*articles[i], request.now)) continue;
      const double freshness = Freshness(*articles[i], request.now);
      auto covisit = covisitation_of.find(hits[i].id);
      const double covisitation = covisit == covisitation_of.end() ? 0.0 : covisit->second;
      const double score = config_.content_weight * hits[i].score +
                           config_.covisitation_weight * covisitation +
                           config_.freshness_weight * freshness;
      candidates.push_back(
          {std::move(*articles[i]), hits[i].score, covisitation, freshness, score});
      candidate_ids.push_back(hits[i].id);
    }
    std::vector<size_t> order(candidates.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return candidates[a].score > candidates[b].score; });

    // Greedy selection with near-duplicate suppression against the source and chosen items.
    result.items.clear();
    std::vector<std::vector<float>> chosen_vectors;
    for (size_t idx : order) {
      if (result.items.size() >= limit) break;
      Candidate& c = candidates[idx];
      if (c.similarity >= config_.near_duplicate_threshold) continue;
      std::optional<std::vector<float>> v = index_.Vector(candidate_ids[idx]);
      if (!v) continue;  // removed since the search
      bool duplicate = false;
      for (const auto& chosen : chosen_vectors) {
        duplicate = duplicate || Dot(*v, chosen) >= config_.near_duplicate_threshold;
      }
      if (duplicate) continue;
      chosen_vectors.push_back(std::move(*v));
      RankedArticle item;
      item.score = c.score;
      if (request.explain) {
        item.reasons = {
            {"content_similarity", c.similarity, config_.content_weight * c.similarity}};
        if (behaviour_) {
          item.reasons.push_back(
              {"covisitation", c.covisitation, config_.covisitation_weight * c.covisitation});
        }
        item.reasons.push_back({"freshness", c.freshness, config_.freshness_weight * c.freshness});
      }
      item.article = std::move(c.article);
      result.items.push_back(std::move(item));
    }
    const bool exhausted = content_hits < static_cast<size_t>(k);
    if (result.items.size() >= limit || exhausted || k >= kMaxCandidates) break;
    k = std::min(k * kCandidateGrowth, kMaxCandidates);
  }
  return result;
}

absl::StatusOr<RankResult> Ranker::Freshest(const RankRequest& request) const {
  ASSIGN_OR_RETURN(const absl::flat_hash_set<uint64_t> read, AlreadyRead(request));
  RankResult result;
  result.fallback = true;
  std::vector<uint64_t> chunk;
  int scanned = 0;
  absl::Status status;
  auto flush = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<std::optional<v1::Article>> articles,
                     store_.FindByDenseIds(chunk));
    chunk.clear();
    for (auto& a : articles) {
      if (result.items.size() >= static_cast<size_t>(request.limit)) break;
      if (!a || a->id() == request.article_id || !request.filter.Matches(*a, request.now)) continue;
      RankedArticle item;
      const double freshness = Freshness(*a, request.now);
      item.score = config_.freshness_weight * freshness;
      if (request.explain) {
        item.reasons = {{"freshness", freshness, item.score}};
      }
      item.article = std::move(*a);
      result.items.push_back(std::move(item));
    }
    return CheckDeadline(request);
  };
  RETURN_IF_ERROR(store_.ForEachNewest([&](uint64_t dense_id, int64_t /*micros*/) {
    if (!read.contains(dense_id)) chunk.push_back(dense_id);
    ++scanned;
    if (chunk.size() >= static_cast<size_t>(kFallbackChunk)) {
      status = flush();
      if (!status.ok()) return false;
    }
    return result.items.size() < static_cast<size_t>(request.limit) && scanned < kMaxFallbackScan;
  }));
  RETURN_IF_ERROR(status);
  if (!chunk.empty() && result.items.size() < static_cast<size_t>(request.limit)) {
    RETURN_IF_ERROR(flush());
  }
  return result;
}

}  // namespace headliner
