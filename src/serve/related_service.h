// headliner.v1.RelatedHeadlines on gRPC's callback API. Ranking is CPU-bound and short (well
// under a millisecond), so it runs inline on the gRPC thread that received the call.
#ifndef HEADLINER_SERVE_RELATED_SERVICE_H_
#define HEADLINER_SERVE_RELATED_SERVICE_H_

#include <span>
#include <string>

#include "common/log_limiter.h"
#include "common/mutex.h"
#include "common/snapshot.h"
#include "config/config.h"
#include "experiment/experiments_file.h"
#include "experiment/team_draft.h"
#include "headliner/v1/related.grpc.pb.h"
#include "serve/experiment_rankers.h"
#include "serve/serving_state.h"

namespace headliner {

// Registered raw so that the service parses requests itself (see raw_unary.h).
class RelatedHeadlinesService final
    : public v1::RelatedHeadlines::WithRawCallbackMethod_GetRelated<v1::RelatedHeadlines::Service> {
 public:
  // All references must outlive the service. Ranks with the published engine's ranker, or the
  // ranker of the reader's experiment variants in `experiments`' current config.
  // Response tokens are signed with `token_key`.
  RelatedHeadlinesService(const ServingState& state, const Config& config,
                          const ExperimentsFile& experiments, std::string token_key)
      : state_(state),
        config_(config),
        experiments_(experiments),
        token_key_(std::move(token_key)) {}

  grpc::ServerUnaryReactor* GetRelated(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;

 private:
  grpc::Status Handle(grpc::CallbackServerContext& context, const v1::GetRelatedRequest& request,
                      v1::GetRelatedResponse& response) const;
  // The rankers of the current experiments config over `engine`, built on the first request
  // after either changed.
  absl::StatusOr<std::shared_ptr<const ExperimentRankers>> RankersFor(
      const std::shared_ptr<const Engine>& engine) const;
  // Publishes the response's exposure (impression.proto), when exposures are published.
  void PublishExposure(const v1::GetRelatedRequest& request, const v1::GetRelatedResponse& response,
                       absl::Time served_at) const;
  // The response's variant name and experiments, from the reader's assignments; `teams` are the
  // interleaved items' (empty unless the reader is in an interleaving experiment).
  void SetVariant(const RankingChoice& choice, std::span<const Team> teams,
                  v1::GetRelatedResponse& response) const;
  // Logs a request that took `took` (server.slow_request_log) with the work it did.
  void LogSlow(const v1::GetRelatedRequest& request, const RankResult& result,
               absl::Duration took) const;

  const ServingState& state_;
  const Config& config_;
  const ExperimentsFile& experiments_;
  const std::string token_key_;
  // The last rankers built (null before the first request); rebuilds are serialised by
  // rankers_mu_, reads only copy the snapshot's pointer.
  mutable Snapshot<const ExperimentRankers> rankers_;
  mutable Mutex rankers_mu_;
  mutable LogLimiter slow_log_{5, absl::Seconds(10)};
};

}  // namespace headliner

#endif  // HEADLINER_SERVE_RELATED_SERVICE_H_
