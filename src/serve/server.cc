#include "serve/server.h"

#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace headliner {

absl::StatusOr<std::unique_ptr<HeadlinerServer>> HeadlinerServer::Start(const Config& config) {
  std::unique_ptr<HeadlinerServer> s(new HeadlinerServer(config));

  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create data_dir ", config.data_dir, ": ", ec.message()));
  }
  ASSIGN_OR_RETURN(
      s->database_,
      Database::Open((std::filesystem::path(config.data_dir) / "rocksdb").string(),
                     DatabaseOptions{.click_event_ttl = config.clicks.dedup_window,
                                     .session_ttl = config.clicks.session_idle_timeout}));
  ASSIGN_OR_RETURN(s->store_, ArticleStore::Open(*s->database_));
  s->clicks_ = std::make_unique<ClickStore>(*s->database_);
  s->offsets_ = std::make_unique<OffsetStore>(*s->database_);
  s->rejections_ = std::make_unique<RejectionCounters>(*s->database_);
  s->index_ = std::make_unique<VectorIndex>(config.encoder.dimension, config.index);
  s->behaviour_index_ = std::make_unique<VectorIndex>(config.encoder.dimension, config.index);
  ASSIGN_OR_RETURN(s->applier_, EventApplier::Create(*s->database_, *s->store_, *s->clicks_,
                                                     *s->index_, *s->behaviour_index_, config));
  s->ranker_ = std::make_unique<Ranker>(
      *s->store_, *s->index_, config.ranking,
      BehaviourSources{s->applier_->covisitation(), *s->clicks_, *s->behaviour_index_,
                       config.clicks.popularity_half_life});
  s->related_service_ =
      std::make_unique<RelatedHeadlinesService>(*s->ranker_, s->state_, s->config_);
  s->admin_service_ = std::make_unique<AdminService>(AdminService::Dependencies{
      *s->applier_, *s->store_, *s->clicks_, *s->rejections_, *s->index_, *s->behaviour_index_,
      s->state_, config.data_dir, config.clicks.popularity_half_life});

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.server.grpc_addr, grpc::InsecureServerCredentials(), &s->port_);
  builder.SetMaxReceiveMessageSize(config.server.max_message_bytes);
  builder.SetMaxSendMessageSize(config.server.max_message_bytes);
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

  RETURN_IF_ERROR(s->applier_->RestoreIndex());
  s->index_->StartBackgroundCompaction();
  s->behaviour_index_->StartBackgroundCompaction();
  RETURN_IF_ERROR(s->StartIngestion());
  s->state_.set_ready(true);
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
  ASSIGN_OR_RETURN(ingestor_, KafkaIngestor::Start(kafka, brokers, *applier_, *offsets_));
  admin_service_->set_ingestor(ingestor_.get());
  return absl::OkStatus();
}

HeadlinerServer::~HeadlinerServer() { Shutdown(); }

void HeadlinerServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  state_.set_ready(false);
  if (grpc_server_ != nullptr) {
    grpc_server_->GetHealthCheckService()->SetServingStatus(false);
    grpc_server_->Shutdown(absl::ToChronoTime(absl::Now() + config_.server.shutdown_grace));
    grpc_server_->Wait();
  }
  if (ingestor_ != nullptr) ingestor_->Stop();  // applies its pending batch
  index_.reset();                               // joins the compaction threads
  behaviour_index_.reset();
  if (database_ != nullptr) (void)database_->Close();
}

}  // namespace headliner
