#include "serve/server.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace headliner {

namespace {

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
  s->related_service_ = std::make_unique<RelatedHeadlinesService>(s->state_, s->config_);
  s->admin_service_ = std::make_unique<AdminService>(s->state_, config.clicks.popularity_half_life);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.server.grpc_addr, grpc::InsecureServerCredentials(), &s->port_);
  builder.SetMaxReceiveMessageSize(config.server.max_message_bytes);
  builder.SetMaxSendMessageSize(config.server.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, config.server.max_concurrent_streams);
  grpc::ResourceQuota quota("headliner-server");
  quota.Resize(static_cast<size_t>(config.server.memory_quota_mib) << 20);
  builder.SetResourceQuota(quota);
  builder.RegisterService(s->related_service_.get());
  builder.RegisterService(s->admin_service_.get());
  s->grpc_server_ = builder.BuildAndStart();
  if (s->grpc_server_ == nullptr || s->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config.server.grpc_addr, " (address in use?)"));
  }
  grpc::HealthCheckServiceInterface* health = s->grpc_server_->GetHealthCheckService();
  health->SetServingStatus(false);
  health->SetServingStatus(kRelatedServiceName, false);

  ASSIGN_OR_RETURN(s->engine_, Engine::Open(config.data_dir, config));
  s->engine_->StartBackgroundCompaction();
  RETURN_IF_ERROR(s->StartIngestion());
  s->state_.Publish(s->engine_.get());
  health->SetServingStatus(true);
  health->SetServingStatus(kRelatedServiceName, true);
  return s;
}

absl::Status HeadlinerServer::StartIngestion() {
  const KafkaConfig& kafka = config_.kafka;
  if (kafka.brokers.empty()) return absl::OkStatus();
  std::string brokers = kafka.brokers;
  if (brokers == kEmbeddedKafka) {
    std::vector<std::string> topics = {kafka.articles_topic, kafka.clicks_topic};
    for (const std::string& t :
         {kafka.articles_dead_letter_topic, kafka.clicks_dead_letter_topic}) {
      if (!t.empty()) topics.push_back(t);
    }
    ASSIGN_OR_RETURN(embedded_kafka_, EmbeddedKafka::Start(topics, /*partitions=*/3));
    brokers = embedded_kafka_->bootstrap_servers();
    std::fprintf(stderr, "embedded Kafka cluster (in-process, not persistent) at %s\n",
                 brokers.c_str());
  }
  KafkaConfig consumer = kafka;
  if (embedded_kafka_ == nullptr) {  // a fresh mock cluster per process: nothing to rejoin
    const std::string id = ResolveGroupInstanceId(
        kafka, HostName(), std::filesystem::absolute(config_.data_dir).string());
    if (!id.empty()) consumer.consumer_properties["group.instance.id"] = id;
  }
  ASSIGN_OR_RETURN(ingestor_, KafkaIngestor::Start(consumer, brokers, engine_->applier()));
  admin_service_->set_ingestor(ingestor_.get());
  return absl::OkStatus();
}

HeadlinerServer::~HeadlinerServer() { Shutdown(); }

void HeadlinerServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  state_.Withdraw();
  if (grpc_server_ != nullptr) {
    grpc_server_->GetHealthCheckService()->SetServingStatus(false);
    grpc_server_->Shutdown(absl::ToChronoTime(absl::Now() + config_.server.shutdown_grace));
    grpc_server_->Wait();
  }
  if (ingestor_ != nullptr) ingestor_->Stop();  // applies its pending batch
  engine_.reset();                              // joins the compaction threads, closes RocksDB
}

}  // namespace headliner
