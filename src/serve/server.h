// HeadlinerServer wires the layers together and owns them: RocksDB and its tables, the index, the
// apply path, the Kafka ingestor (and the embedded cluster in demo mode), the ranker, the gRPC
// services and the gRPC server. Destruction order is the
// reverse of construction, so RocksDB closes after the server has stopped.
#ifndef HEADLINER_SERVE_SERVER_H_
#define HEADLINER_SERVE_SERVER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "common/config.h"
#include "grpcpp/server.h"
#include "index/vector_index.h"
#include "ingest/embedded_kafka.h"
#include "ingest/event_applier.h"
#include "ingest/kafka_ingestor.h"
#include "rank/ranker.h"
#include "serve/admin_service.h"
#include "serve/related_service.h"
#include "serve/serving_state.h"
#include "store/article_store.h"
#include "store/click_store.h"
#include "store/database.h"
#include "store/offset_store.h"
#include "store/rejection_counters.h"

namespace headliner {

// The gRPC service name reported by the health service.
inline constexpr char kRelatedServiceName[] = "headliner.v1.RelatedHeadlines";
// kafka.brokers value that starts an in-process mock cluster.
inline constexpr char kEmbeddedKafka[] = "embedded";

class HeadlinerServer {
 public:
  // Opens the data dir, starts listening (health NOT_SERVING), restores the index from RocksDB,
  // then reports SERVING. Returns once serving.
  static absl::StatusOr<std::unique_ptr<HeadlinerServer>> Start(const Config& config);
  ~HeadlinerServer();

  // Stops accepting calls, lets in-flight ones finish within `config.server.shutdown_grace`, then
  // closes the store. Idempotent.
  void Shutdown();

  // The port actually bound (useful with ":0").
  int port() const { return port_; }
  // Bootstrap servers of the embedded Kafka cluster, or empty.
  std::string embedded_kafka_brokers() const {
    return embedded_kafka_ ? embedded_kafka_->bootstrap_servers() : "";
  }

 private:
  explicit HeadlinerServer(const Config& config) : config_(config) {}

  // Starts the embedded cluster (if configured) and the Kafka ingestor (if brokers are set).
  absl::Status StartIngestion();

  const Config config_;
  ServingState state_;
  std::unique_ptr<Database> database_;
  std::unique_ptr<ArticleStore> store_;
  std::unique_ptr<ClickStore> clicks_;
  std::unique_ptr<OffsetStore> offsets_;
  std::unique_ptr<RejectionCounters> rejections_;
  std::unique_ptr<VectorIndex> index_;            // content vectors
  std::unique_ptr<VectorIndex> behaviour_index_;  // behaviour vectors
  std::unique_ptr<EventApplier> applier_;
  std::unique_ptr<EmbeddedKafka> embedded_kafka_;
  std::unique_ptr<KafkaIngestor> ingestor_;
  std::unique_ptr<Ranker> ranker_;
  std::unique_ptr<RelatedHeadlinesService> related_service_;
  std::unique_ptr<AdminService> admin_service_;
  std::unique_ptr<grpc::Server> grpc_server_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace headliner

#endif  // HEADLINER_SERVE_SERVER_H_
