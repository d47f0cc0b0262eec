// HeadlinerServer runs the service: it opens the Engine (state, indexes, apply path, ranker),
// starts Kafka ingestion into it (and the embedded cluster in demo mode), and serves the gRPC
// services over it. Destruction order is the reverse of construction, so the engine closes after
// the gRPC server and the ingestor have stopped.
#ifndef HEADLINER_SERVE_SERVER_H_
#define HEADLINER_SERVE_SERVER_H_

#include <memory>
#include <thread>

#include "absl/status/statusor.h"
#include "common/mutex.h"
#include "config/config.h"
#include "engine/engine.h"
#include "experiment/experiments_file.h"
#include "grpcpp/server.h"
#include "kafka/embedded_kafka.h"
#include "kafka/kafka_ingestor.h"
#include "serve/admin_service.h"
#include "serve/related_service.h"
#include "serve/serving_state.h"

namespace headliner {

// The gRPC service name reported by the health service.
inline constexpr char kRelatedServiceName[] = "headliner.v1.RelatedHeadlines";
// kafka.brokers value that starts an in-process mock cluster.
inline constexpr char kEmbeddedKafka[] = "embedded";

class HeadlinerServer {
 public:
  // Starts listening (health NOT_SERVING), opens the engine (restoring the indexes), starts
  // ingestion, then reports SERVING. Returns once serving.
  static absl::StatusOr<std::unique_ptr<HeadlinerServer>> Start(const Config& config);
  ~HeadlinerServer();

  // Stops accepting calls, lets in-flight ones finish within `config.server.shutdown_grace`, then
  // closes the engine. Idempotent.
  void Shutdown();

  // The port actually bound (useful with ":0").
  int port() const { return port_; }
  // Bootstrap servers of the embedded Kafka cluster, or empty.
  std::string embedded_kafka_brokers() const {
    return embedded_kafka_ ? embedded_kafka_->bootstrap_servers() : "";
  }

 private:
  explicit HeadlinerServer(const Config& config) : config_(config) {}

  // Starts the embedded cluster, when configured.
  absl::Status StartEmbeddedKafka();
  // Starts publishing exposures, when Kafka and the impressions topic are configured.
  absl::Status StartImpressions();
  // Starts a Kafka ingestor into `engine`; null when kafka.brokers is empty.
  absl::StatusOr<std::shared_ptr<KafkaIngestor>> StartIngestor(Engine& engine);
  // Runs on storage_watcher_ while the engine is read-only (a start on a full disk): once the
  // disk has room again, reopens it writable.
  void WatchStorage();
  // Opens a writable engine, restarts ingestion into it and publishes both.
  absl::Status ReopenWritable() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Config config_;
  ServingState state_;
  std::unique_ptr<EmbeddedKafka> embedded_kafka_;
  std::unique_ptr<ExperimentsFile> experiments_;  // outlives the services that read it
  std::unique_ptr<RelatedHeadlinesService> related_service_;
  std::unique_ptr<AdminService> admin_service_;
  std::unique_ptr<grpc::Server> grpc_server_;
  int port_ = 0;

  // The engine and ingestor in service (also published in state_ for the RPCs). Replaced only by
  // the storage watcher, under mu_; Shutdown joins the watcher before it reads them.
  Mutex mu_;
  std::shared_ptr<Engine> engine_;
  std::shared_ptr<KafkaIngestor> ingestor_;
  std::shared_ptr<ImpressionPublisher> impressions_;  // null when not published
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  std::thread storage_watcher_;
};

}  // namespace headliner

#endif  // HEADLINER_SERVE_SERVER_H_
