// HeadlinerServer runs the service: it opens the Engine (state, indexes, apply path, ranker),
// starts Kafka ingestion into it (and the embedded cluster in demo mode), and serves the gRPC
// services over it. Destruction order is the reverse of construction, so the engine closes after
// the gRPC server and the ingestor have stopped.
#ifndef HEADLINER_SERVE_SERVER_H_
#define HEADLINER_SERVE_SERVER_H_

#include <memory>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "common/mutex.h"
#include "config/config.h"
#include "engine/engine.h"
#include "experiment/experiments_file.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "kafka/embedded_kafka.h"
#include "kafka/kafka_ingestor.h"
#include "serve/admin_service.h"
#include "serve/metrics_endpoint.h"
#include "serve/related_service.h"
#include "serve/serving_state.h"

namespace headliner {

// The gRPC service name reported by the health service.
inline constexpr char kRelatedServiceName[] = "headliner.v1.RelatedHeadlines";
inline constexpr char kAdminServiceName[] = "headliner.v1.Admin";

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
  // The Admin service's port: port() when Admin shares grpc_addr.
  int admin_port() const { return admin_port_; }
  // The metrics port bound, or 0 without server.metrics_addr.
  int metrics_port() const { return metrics_ != nullptr ? metrics_->port() : 0; }
  // Bootstrap servers of the embedded Kafka cluster, or empty.
  std::string embedded_kafka_brokers() const {
    return embedded_kafka_ ? embedded_kafka_->bootstrap_servers() : "";
  }

 private:
  explicit HeadlinerServer(const Config& config) : config_(config) {}

  // Opens the experiments file and creates the services (nothing listens yet).
  absl::Status CreateServices();
  // Starts the metrics endpoint, then the gRPC servers (health NOT_SERVING until SetServing).
  absl::Status StartListening();
  // Builds and starts a gRPC server on `addr` serving `services` with the transport settings of
  // config.server (credentials, limits, metrics); the bound port goes to `port`.
  absl::StatusOr<std::unique_ptr<grpc::Server>> Listen(
      const std::string& addr, const std::vector<grpc::Service*>& services,
      const std::shared_ptr<grpc::ServerCredentials>& credentials, int& port);
  // Sets the health of every server (overall and the served services).
  void SetServing(bool serving);
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
  // config_.kafka with its secret files read (Start); what every Kafka client is made from.
  KafkaConfig kafka_;
  ServingState state_;
  std::unique_ptr<EmbeddedKafka> embedded_kafka_;
  std::unique_ptr<ExperimentsFile> experiments_;  // outlives the services that read it
  std::unique_ptr<RelatedHeadlinesService> related_service_;
  std::unique_ptr<AdminService> admin_service_;
  std::unique_ptr<MetricsEndpoint> metrics_;  // null without server.metrics_addr; outlives the
                                              // server, whose interceptors record into it
  std::unique_ptr<grpc::Server> grpc_server_;
  std::unique_ptr<grpc::Server> admin_server_;  // null when Admin shares grpc_server_
  int port_ = 0;
  int admin_port_ = 0;

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
