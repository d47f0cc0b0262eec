// headliner.v1.Admin: operator writes (through the ingest apply path) and statistics.
#ifndef HEADLINER_SERVE_ADMIN_SERVICE_H_
#define HEADLINER_SERVE_ADMIN_SERVICE_H_

#include <atomic>
#include <string>

#include "headliner/v1/admin.grpc.pb.h"
#include "index/vector_index.h"
#include "ingest/event_applier.h"
#include "ingest/kafka_ingestor.h"
#include "serve/serving_state.h"
#include "store/article_store.h"
#include "store/click_store.h"
#include "store/rejection_counters.h"

namespace headliner {

class AdminService final : public v1::Admin::CallbackService {
 public:
  // Every dependency of the service. References must outlive it.
  struct Dependencies {
    EventApplier& applier;
    ArticleStore& articles;
    ClickStore& clicks;
    RejectionCounters& rejections;
    const VectorIndex& index;
    const VectorIndex& behaviour_index;
    const ServingState& state;
    std::string data_dir;
    absl::Duration popularity_half_life;
  };
  explicit AdminService(Dependencies deps) : deps_(std::move(deps)) {}

  // The Kafka ingestor, once started (it starts after the index is restored, while the service
  // already answers Stats). Null: no ingestion. It must outlive the service.
  void set_ingestor(const KafkaIngestor* ingestor) { ingestor_.store(ingestor); }

  grpc::ServerUnaryReactor* UpsertArticle(grpc::CallbackServerContext* context,
                                          const v1::UpsertArticleRequest* request,
                                          v1::UpsertArticleResponse* response) override;
  grpc::ServerUnaryReactor* DeleteArticle(grpc::CallbackServerContext* context,
                                          const v1::DeleteArticleRequest* request,
                                          v1::DeleteArticleResponse* response) override;
  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* context,
                                       const v1::GetArticleRequest* request,
                                       v1::Article* response) override;
  grpc::ServerUnaryReactor* GetActivity(grpc::CallbackServerContext* context,
                                        const v1::GetActivityRequest* request,
                                        v1::GetActivityResponse* response) override;
  grpc::ServerUnaryReactor* Stats(grpc::CallbackServerContext* context,
                                  const v1::StatsRequest* request,
                                  v1::StatsResponse* response) override;

 private:
  void FillIngestStats(v1::IngestStats& out) const;

  const Dependencies deps_;
  std::atomic<const KafkaIngestor*> ingestor_{nullptr};
};

}  // namespace headliner

#endif  // HEADLINER_SERVE_ADMIN_SERVICE_H_
