// headliner.v1.Admin: operator writes (through the ingest apply path) and statistics.
#ifndef HEADLINER_SERVE_ADMIN_SERVICE_H_
#define HEADLINER_SERVE_ADMIN_SERVICE_H_

#include <string>

#include "headliner/v1/admin.grpc.pb.h"
#include "index/vector_index.h"
#include "ingest/article_applier.h"
#include "serve/serving_state.h"
#include "store/article_store.h"

namespace headliner {

class AdminService final : public v1::Admin::CallbackService {
 public:
  // All references must outlive the service.
  AdminService(ArticleApplier& applier, ArticleStore& store, const VectorIndex& index,
               const ServingState& state, std::string data_dir)
      : applier_(applier),
        store_(store),
        index_(index),
        state_(state),
        data_dir_(std::move(data_dir)) {}

  grpc::ServerUnaryReactor* UpsertArticle(grpc::CallbackServerContext* context,
                                          const v1::UpsertArticleRequest* request,
                                          v1::UpsertArticleResponse* response) override;
  grpc::ServerUnaryReactor* DeleteArticle(grpc::CallbackServerContext* context,
                                          const v1::DeleteArticleRequest* request,
                                          v1::DeleteArticleResponse* response) override;
  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* context,
                                       const v1::GetArticleRequest* request,
                                       v1::Article* response) override;
  grpc::ServerUnaryReactor* Stats(grpc::CallbackServerContext* context,
                                  const v1::StatsRequest* request,
                                  v1::StatsResponse* response) override;

 private:
  ArticleApplier& applier_;
  ArticleStore& store_;
  const VectorIndex& index_;
  const ServingState& state_;
  const std::string data_dir_;
};

}  // namespace headliner

#endif  // HEADLINER_SERVE_ADMIN_SERVICE_H_
