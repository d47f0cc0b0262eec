// headliner.v1.Admin: operator writes (through the ingest apply path) and statistics.
#ifndef HEADLINER_SERVE_ADMIN_SERVICE_H_
#define HEADLINER_SERVE_ADMIN_SERVICE_H_

#include <atomic>
#include <string>

#include "experiment/experiments_file.h"
#include "headliner/v1/admin.grpc.pb.h"
#include "kafka/kafka_ingestor.h"
#include "serve/admin_auth.h"
#include "serve/serving_state.h"
#include "serve/stats_report.h"

namespace headliner {

// Every method is registered raw so that the service parses requests itself (see raw_unary.h).
using RawAdminService = v1::Admin::WithRawCallbackMethod_UpsertArticle<
    v1::Admin::WithRawCallbackMethod_DeleteArticle<v1::Admin::WithRawCallbackMethod_GetArticle<
        v1::Admin::WithRawCallbackMethod_GetActivity<v1::Admin::WithRawCallbackMethod_Stats<
            v1::Admin::WithRawCallbackMethod_ExperimentReport<
                v1::Admin::WithRawCallbackMethod_Checkpoint<v1::Admin::Service>>>>>>>;

class AdminService final : public RawAdminService {
 public:
  // `state` must outlive the service. Writes go through the published engine's applier; the read
  // RPCs see its tables and indexes through const views. `popularity_half_life` is the one the
  // popularity counts were kept with. Every call must pass `auth` first.
  AdminService(const ServingState& state, absl::Duration popularity_half_life,
               const ExperimentsFile& experiments, AdminAuthenticator auth)
      : auth_(std::move(auth)),
        state_(state),
        popularity_half_life_(popularity_half_life),
        experiments_(experiments),
        stats_(state, experiments) {}

  grpc::ServerUnaryReactor* UpsertArticle(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* DeleteArticle(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* Stats(grpc::CallbackServerContext* context,
                                  const grpc::ByteBuffer* request,
                                  grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetActivity(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ExperimentReport(grpc::CallbackServerContext* context,
                                             const grpc::ByteBuffer* request,
                                             grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* Checkpoint(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;

 private:
  // Checks the caller's credential, then serves the call with ServeUnaryRaw.
  template <typename Request, typename Response, typename Handler>
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context,
                                  const grpc::ByteBuffer* request, grpc::ByteBuffer* response,
                                  Handler&& handle);
  grpc::Status HandleUpsertArticle(const v1::UpsertArticleRequest& request,
                                   v1::UpsertArticleResponse& response);
  grpc::Status HandleDeleteArticle(const v1::DeleteArticleRequest& request,
                                   v1::DeleteArticleResponse& response);
  grpc::Status HandleGetArticle(const v1::GetArticleRequest& request, v1::Article& response);
  grpc::Status HandleGetActivity(const v1::GetActivityRequest& request,
                                 v1::GetActivityResponse& response);

  const AdminAuthenticator auth_;
  const ServingState& state_;
  const absl::Duration popularity_half_life_;
  const ExperimentsFile& experiments_;
  const StatsReport stats_;
};

}  // namespace headliner

#endif  // HEADLINER_SERVE_ADMIN_SERVICE_H_
