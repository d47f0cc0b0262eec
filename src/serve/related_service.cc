#include "serve/related_service.h"

#include <chrono>
#include <cstdio>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/recommendation_token.h"
#include "common/time_util.h"
#include "headliner/v1/token.pb.h"
#include "serve/grpc_status.h"
#include "serve/interleaved_ranking.h"
#include "serve/raw_unary.h"
#include "serve/request_limits.h"

namespace headliner {

namespace {

// The opaque token of one response (common/recommendation_token.h). With `check_items` (an
// interleaved response), it checks each position's article.
std::string MakeToken(const v1::GetRelatedResponse& response, const std::string& source_article_id,
                      absl::Time served_at, uint64_t nonce, bool check_items,
                      absl::string_view key) {
  v1::RecommendationToken token;
  token.set_source_article_id(source_article_id);
  token.set_variant(response.variant());
  *token.mutable_experiments() = response.experiments();
  token.set_served_at_ms(absl::ToUnixMillis(served_at));
  token.set_nonce(nonce);
  if (check_items) {
    for (const v1::RelatedItem& item : response.items()) {
      token.mutable_item_checks()->append(ItemCheck(item.article_id()));
    }
  }
  return EncodeRecommendationToken(token, key);
}

// Ranks with the reader's ranker, or interleaves both teams' lists seeded by `nonce`, filling
// `teams` (experiment/team_draft.h).
absl::StatusOr<RankResult> RankFor(const RankingChoice& choice, const RankRequest& request,
                                   uint64_t nonce, std::vector<Team>& teams) {
  absl::StatusOr<RankResult> a = choice.ranker->Rank(request);
  if (!a.ok() || choice.team_b_ranker == nullptr) return a;
  absl::StatusOr<RankResult> b = choice.team_b_ranker->Rank(request);
  if (!b.ok()) return b.status();
  InterleavedResult mixed =
      InterleaveResults(*std::move(a), *std::move(b), static_cast<size_t>(request.limit), nonce);
  teams = std::move(mixed.teams);
  return std::move(mixed.result);
}

// The response's items (and fallback flag) from `result`, whose strings move into it.
void AddItems(RankResult result, v1::GetRelatedResponse& response) {
  for (RankedArticle& ranked : result.items) {
    v1::RelatedItem* item = response.add_items();
    v1::Article& article = ranked.article;
    item->set_article_id(std::move(*article.mutable_id()));
    item->set_headline(std::move(*article.mutable_headline()));
    item->set_url(std::move(*article.mutable_url()));
    item->set_section(std::move(*article.mutable_section()));
    item->mutable_published_at()->Swap(article.mutable_published_at());
    item->set_score(ranked.score);
    for (const FeatureContribution& f : ranked.reasons) {
      v1::Reason* reason = item->add_reasons();
      reason->set_feature(f.feature);
      reason->set_value(f.value);
      reason->set_contribution(f.contribution);
    }
  }
  response.set_fallback(result.fallback);
}

}  // namespace

grpc::ServerUnaryReactor* RelatedHeadlinesService::GetRelated(grpc::CallbackServerContext* context,
                                                              const grpc::ByteBuffer* request,
                                                              grpc::ByteBuffer* response) {
  return ServeUnaryRaw<v1::GetRelatedRequest, v1::GetRelatedResponse>(
      context, request, response,
      [this, context](const v1::GetRelatedRequest& r, v1::GetRelatedResponse& out) {
        return Handle(*context, r, out);
      });
}

grpc::Status RelatedHeadlinesService::Handle(grpc::CallbackServerContext& context,
                                             const v1::GetRelatedRequest& request,
                                             v1::GetRelatedResponse& response) const {
  const std::shared_ptr<const Engine> engine = state_.engine();
  if (engine == nullptr) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "index is loading");
  if (absl::Status s = ValidateGetRelated(request, config_.ranking); !s.ok()) {
    return ToGrpcStatus(s);
  }
  const absl::Time now = absl::Now();
  RankRequest rank = ToRankRequest(request, config_.ranking, now);
  // A call without a deadline still gets one, so that no request can hold a thread forever.
  const auto deadline = context.deadline();
  rank.deadline = deadline == std::chrono::system_clock::time_point::max()
                      ? now + config_.server.default_deadline
                      : absl::FromChrono(deadline);

  absl::StatusOr<std::shared_ptr<const ExperimentRankers>> rankers = RankersFor(engine);
  if (!rankers.ok()) return ToGrpcStatus(rankers.status());
  absl::StatusOr<RankingChoice> choice =
      (*rankers)->Choose(request.user_id(), request.session_id(), request.force_variant());
  if (!choice.ok()) return ToGrpcStatus(choice.status());
  absl::BitGen gen;
  const uint64_t nonce = absl::Uniform<uint64_t>(gen);  // the token's, and the draft's seed
  std::vector<Team> teams;
  absl::StatusOr<RankResult> result = RankFor(*choice, rank, nonce, teams);
  if (!result.ok()) return ToGrpcStatus(result.status());
  if (const absl::Duration slow = config_.server.slow_request_log; slow > absl::ZeroDuration()) {
    if (const absl::Duration took = absl::Now() - now; took >= slow) {
      LogSlow(request, *result, took);
    }
  }

  AddItems(*std::move(result), response);
  SetVariant(*choice, teams, response);
  response.set_token(
      MakeToken(response, request.article_id(), now, nonce, !teams.empty(), token_key_));
  if (!choice->assignments.empty() && !choice->forced) PublishExposure(request, response, now);
  return grpc::Status::OK;
}

void RelatedHeadlinesService::PublishExposure(const v1::GetRelatedRequest& request,
                                              const v1::GetRelatedResponse& response,
                                              absl::Time served_at) const {
  const std::shared_ptr<ImpressionPublisher> impressions = state_.impressions();
  if (impressions == nullptr) return;
  v1::ImpressionEvent event;
  event.set_token(response.token());
  event.set_source_article_id(request.article_id());
  event.set_user_id(request.user_id());
  event.set_session_id(request.session_id());
  *event.mutable_experiments() = response.experiments();
  for (const v1::RelatedItem& item : response.items()) event.add_item_ids(item.article_id());
  *event.mutable_served_at() = ToProtoTimestamp(served_at);
  impressions->Publish(event);
}

absl::StatusOr<std::shared_ptr<const ExperimentRankers>> RelatedHeadlinesService::RankersFor(
    const std::shared_ptr<const Engine>& engine) const {
  const std::shared_ptr<const ExperimentsConfig> config = experiments_.current();
  auto current = [&](const std::shared_ptr<const ExperimentRankers>& r) {
    return r != nullptr && r->config() == config && r->BuiltFor(engine);
  };
  std::shared_ptr<const ExperimentRankers> rankers = rankers_.Load();
  if (current(rankers)) return rankers;
  MutexLock lock(&rankers_mu_);
  rankers = rankers_.Load();
  if (current(rankers)) return rankers;  // built by another request meanwhile
  absl::StatusOr<std::unique_ptr<const ExperimentRankers>> built =
      ExperimentRankers::Build(config, engine);
  if (!built.ok()) return built.status();
  rankers = std::move(*built);
  rankers_.Store(rankers);
  return rankers;
}

void RelatedHeadlinesService::SetVariant(const RankingChoice& choice, std::span<const Team> teams,
                                         v1::GetRelatedResponse& response) const {
  if (choice.assignments.empty()) {
    response.set_variant(config_.variant);
    return;
  }
  std::string names;
  for (const ExperimentAssignment& a : choice.assignments) {
    v1::ExperimentVariant* e = response.add_experiments();
    e->set_experiment(a.experiment->key);
    e->set_variant(std::string(a.VariantName()));
    e->set_unit(a.experiment->unit == ExperimentUnit::kUser ? v1::EXPERIMENT_UNIT_USER
                                                            : v1::EXPERIMENT_UNIT_SESSION);
    if (a.interleaved) {
      for (const Team t : teams) {
        e->add_teams(t == Team::kA ? v1::INTERLEAVING_TEAM_A : v1::INTERLEAVING_TEAM_B);
      }
    }
    absl::StrAppend(&names, names.empty() ? "" : ",", a.experiment->key, ":", a.VariantName());
  }
  response.set_variant(std::move(names));
}

void RelatedHeadlinesService::LogSlow(const v1::GetRelatedRequest& request,
                                      const RankResult& result, absl::Duration took) const {
  uint64_t dropped = 0;
  if (!slow_log_.Admit(absl::Now(), &dropped)) return;
  // No reader ids: the article, the shape of the request and the work.
  LogWarning("serve",
             "slow GetRelated: %.1f ms, article %s, limit %d, filter %s, reader %s, %zu items%s; "
             "lists built %d, widest list %d, filtered search %s, %d candidates scored (%llu slow "
             "requests not logged)",
             absl::ToDoubleMilliseconds(took), request.article_id(), request.limit(),
             request.has_filter() ? "yes" : "no",
             request.session_id().empty() && request.user_id().empty() ? "no" : "yes",
             result.items.size(), result.fallback ? " (fallback)" : "", result.lists_built,
             result.widest_list, result.filtered_search ? "yes" : "no", result.candidates_scored,
             static_cast<unsigned long long>(dropped));
}

}  // namespace headliner
