#include "serve/server.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/background_thread.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "kafka/kafka_client_config.h"
#include "serve/admin_auth.h"
#include "serve/tls_credentials.h"

namespace headliner {

namespace {

// How often a read-only server checks whether the disk has room again.
constexpr absl::Duration kStorageCheckInterval = absl::Seconds(1);

// The pod name in Kubernetes (HOSTNAME), else the host name.
std::string HostName() {
  if (const char* env = std::getenv("HOSTNAME"); env != nullptr && *env != '\0') return env;
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "unknown";
  return name;
}

}  // namespace

absl::StatusOr<std::unique_ptr<HeadlinerServer>> HeadlinerServer::Start(const Config& config) {
  std::unique_ptr<HeadlinerServer> s(new HeadlinerServer(config));
  RETURN_IF_ERROR(s->CreateServices());
  RETURN_IF_ERROR(s->StartListening());
  s->SetServing(false);

  // Before the engine opens (which can take minutes on a large index): a missing secret fails
  // the start at once.
  ASSIGN_OR_RETURN(s->kafka_, ReadKafkaSecrets(config.kafka));
  if (const std::string warning =
          ScramCompatibilityWarning(ConsumerProperties(s->kafka_), RdKafka::version());
      !warning.empty()) {
    LogWarning("kafka", "%s", warning);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine, Engine::Open(config.data_dir, config));
  s->engine_ = std::move(engine);
  s->engine_->StartBackgroundCompaction();
  RETURN_IF_ERROR(s->StartEmbeddedKafka());
  RETURN_IF_ERROR(s->StartImpressions());
  ASSIGN_OR_RETURN(s->ingestor_, s->StartIngestor(*s->engine_));
  s->state_.Publish(s->engine_, s->ingestor_);
  if (s->engine_->read_only()) {
    LogWarning("server",
               "the disk is nearly full: serving read-only, ingestion paused until "
               "storage.min_free_disk_mib is free");
    s->storage_watcher_ = std::thread([raw = s.get()] {
      SetCurrentThreadName("storage-watch");
      raw->WatchStorage();
    });
  }
  s->SetServing(true);
  return s;
}

absl::Status HeadlinerServer::CreateServices() {
  // An invalid experiments file stops the start, before anything listens.
  ASSIGN_OR_RETURN(experiments_, ExperimentsFile::Open(config_.experiments, config_.ranking));
  ASSIGN_OR_RETURN(std::string token_key, ReadTokenKey(config_.experiments));
  related_service_ = std::make_unique<RelatedHeadlinesService>(state_, config_, *experiments_,
                                                               std::move(token_key));
  ASSIGN_OR_RETURN(AdminAuthenticator auth,
                   AdminAuthenticator::FromTokenFile(config_.server.admin_token_file,
                                                     "server.admin_token_file"));
  if (auth.requires_token() && !config_.server.tls.enabled() &&
      !IsLocalAddress(config_.server.effective_admin_addr())) {
    LogWarning("server",
               "Admin's bearer token travels in plaintext on %s: set server.tls.cert_file unless "
               "the network is encrypted below gRPC (a service mesh)",
               config_.server.effective_admin_addr());
  }
  admin_service_ = std::make_unique<AdminService>(state_, config_.clicks.popularity_half_life,
                                                  *experiments_, std::move(auth));
  return absl::OkStatus();
}

absl::Status HeadlinerServer::StartListening() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  // gRPC's health service is not built from protobuf's generated code, so reflection would list
  // it but could not describe it (grpcurl: "does not expose service grpc.health.v1.Health").
  // Using the generated descriptor here links it into the binary's generated pool.
  (void)grpc::health::v1::HealthCheckResponse::descriptor();
  if (!config_.server.metrics_addr.empty()) {
    ASSIGN_OR_RETURN(metrics_, MetricsEndpoint::Start(
                                   config_.server.metrics_addr, state_, *experiments_,
                                   MethodsOfServices({kRelatedServiceName, kAdminServiceName},
                                                     {"/grpc.health.v1.Health/Check",
                                                      "/grpc.health.v1.Health/Watch",
                                                      "/grpc.reflection.v1alpha.ServerReflection/"
                                                      "ServerReflectionInfo"})));
    LogInfo("server", "metrics on port %d (GET /metrics)", metrics_->port());
  }
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                   MakeServerCredentials(config_.server.tls, "server.tls"));
  const bool shared_port = config_.server.effective_admin_addr() == config_.server.grpc_addr;
  std::vector<grpc::Service*> services = {related_service_.get()};
  if (shared_port) services.push_back(admin_service_.get());
  ASSIGN_OR_RETURN(grpc_server_, Listen(config_.server.grpc_addr, services, credentials, port_));
  admin_port_ = port_;
  if (!shared_port) {
    ASSIGN_OR_RETURN(admin_server_, Listen(config_.server.admin_addr, {admin_service_.get()},
                                           credentials, admin_port_));
    LogInfo("server", "Admin on port %d", admin_port_);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<grpc::Server>> HeadlinerServer::Listen(
    const std::string& addr, const std::vector<grpc::Service*>& services,
    const std::shared_ptr<grpc::ServerCredentials>& credentials, int& port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort(addr, credentials, &port);
  builder.SetMaxReceiveMessageSize(config_.server.max_message_bytes);
  builder.SetMaxSendMessageSize(config_.server.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             config_.server.max_concurrent_streams);
  grpc::ResourceQuota quota("headliner-server");
  quota.Resize(static_cast<size_t>(config_.server.memory_quota_mib) << 20);
  builder.SetResourceQuota(quota);
  if (metrics_ != nullptr) {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(metrics_->rpc_metrics().NewInterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", addr, " (address in use?)"));
  }
  return server;
}

void HeadlinerServer::SetServing(bool serving) {
  // Each port reports the services it serves (and "", the server as a whole).
  auto set = [serving](grpc::Server& server, std::initializer_list<const char*> services) {
    grpc::HealthCheckServiceInterface* health = server.GetHealthCheckService();
    health->SetServingStatus(serving);
    for (const char* service : services) health->SetServingStatus(service, serving);
  };
  if (grpc_server_ == nullptr) return;  // a start that failed before listening
  if (admin_server_ == nullptr) {
    set(*grpc_server_, {kRelatedServiceName, kAdminServiceName});
  } else {
    set(*grpc_server_, {kRelatedServiceName});
    set(*admin_server_, {kAdminServiceName});
  }
}

absl::Status HeadlinerServer::StartEmbeddedKafka() {
  const KafkaConfig& kafka = kafka_;
  if (kafka.brokers != kEmbeddedKafka) return absl::OkStatus();
  std::vector<std::string> topics = {kafka.articles_topic, kafka.clicks_topic};
  for (const std::string& t :
       {kafka.articles_dead_letter_topic, kafka.clicks_dead_letter_topic,
        config_.experiments.file.empty() ? std::string() : kafka.impressions_topic}) {
    if (!t.empty()) topics.push_back(t);
  }
  ASSIGN_OR_RETURN(embedded_kafka_, EmbeddedKafka::Start(topics, /*partitions=*/3));
  LogInfo("server", "embedded Kafka cluster (in-process, not persistent) at %s",
          embedded_kafka_->bootstrap_servers());
  return absl::OkStatus();
}

absl::Status HeadlinerServer::StartImpressions() {
  const KafkaConfig& kafka = kafka_;
  if (kafka.brokers.empty() || kafka.impressions_topic.empty() ||
      config_.experiments.file.empty()) {
    return absl::OkStatus();
  }
  const std::string brokers =
      embedded_kafka_ != nullptr ? embedded_kafka_->bootstrap_servers() : kafka.brokers;
  ASSIGN_OR_RETURN(impressions_, ImpressionPublisher::Start(kafka, brokers));
  state_.SetImpressions(impressions_);
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<KafkaIngestor>> HeadlinerServer::StartIngestor(Engine& engine) {
  const KafkaConfig& kafka = kafka_;
  if (kafka.brokers.empty()) return nullptr;
  KafkaConfig consumer = kafka;
  // Exposures exist only with experiments: without them the topic is not read (nor needed).
  if (config_.experiments.file.empty()) consumer.impressions_topic.clear();
  std::string brokers = kafka.brokers;
  if (embedded_kafka_ != nullptr) {
    brokers = embedded_kafka_->bootstrap_servers();
  } else {  // a fresh mock cluster per process has nothing to rejoin
    const std::string id = ResolveGroupInstanceId(
        kafka, HostName(), std::filesystem::absolute(config_.data_dir).string());
    if (!id.empty()) consumer.consumer_properties["group.instance.id"] = id;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<KafkaIngestor> ingestor,
                   KafkaIngestor::Start(consumer, brokers, engine.applier()));
  return std::shared_ptr<KafkaIngestor>(std::move(ingestor));
}

void HeadlinerServer::WatchStorage() {
  MutexLock lock(&mu_);
  while (!shut_down_) {
    mu_.AwaitWithTimeout(absl::Condition(&shut_down_), kStorageCheckInterval);
    if (shut_down_) return;
    absl::StatusOr<uint64_t> free = engine_->database().FreeBytes();
    if (!free.ok() || *free < engine_->database().min_free_bytes()) continue;
    absl::Status reopened = ReopenWritable();
    if (reopened.ok()) return;
    LogError("server", "reopening the storage writable failed: %s", reopened.message());
  }
}

absl::Status HeadlinerServer::ReopenWritable() {
  // The read-only engine serves until the writable one is published: RocksDB lets a read-only
  // instance and a writable one share the directory (the read-only one keeps its files open).
  ASSIGN_OR_RETURN(std::unique_ptr<Engine> opened, Engine::Open(config_.data_dir, config_));
  if (opened->read_only()) return absl::ResourceExhaustedError("the disk filled up again");
  std::shared_ptr<Engine> writable = std::move(opened);
  writable->StartBackgroundCompaction();
  // The old ingestor applied nothing (every batch was refused); the new one resumes from the
  // offsets stored with the state.
  if (ingestor_ != nullptr) ingestor_->Stop();
  ASSIGN_OR_RETURN(std::shared_ptr<KafkaIngestor> ingestor, StartIngestor(*writable));
  engine_ = std::move(writable);
  ingestor_ = std::move(ingestor);
  state_.Publish(engine_, ingestor_);  // calls in flight keep the old engine until they return
  LogInfo("server", "disk space is back: storage writable, ingestion resumed");
  return absl::OkStatus();
}

HeadlinerServer::~HeadlinerServer() { Shutdown(); }

void HeadlinerServer::Shutdown() {
  {
    MutexLock lock(&mu_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  if (storage_watcher_.joinable()) storage_watcher_.join();
  state_.Withdraw();
  SetServing(false);
  const auto deadline = absl::ToChronoTime(absl::Now() + config_.server.shutdown_grace);
  for (grpc::Server* server : {grpc_server_.get(), admin_server_.get()}) {
    if (server != nullptr) server->Shutdown(deadline);
  }
  for (grpc::Server* server : {grpc_server_.get(), admin_server_.get()}) {
    if (server != nullptr) server->Wait();
  }
  if (ingestor_ != nullptr) ingestor_->Stop();  // applies its pending batch
  ingestor_.reset();
  impressions_.reset();  // delivers what it can of the queued exposures
  // Joins the compaction threads and closes RocksDB, once the last call holding it has returned
  // (the gRPC server has drained them above).
  engine_.reset();
}

}  // namespace headliner
