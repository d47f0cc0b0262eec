#include "serve/server.h"

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
  ASSIGN_OR_RETURN(s->database_,
                   Database::Open((std::filesystem::path(config.data_dir) / "rocksdb").string(),
                                  DatabaseOptions{}));
  ASSIGN_OR_RETURN(s->store_, ArticleStore::Open(*s->database_));
  s->index_ = std::make_unique<VectorIndex>(config.encoder.dimension, config.index);
  ASSIGN_OR_RETURN(s->applier_, ArticleApplier::Create(*s->store_, *s->index_, config.encoder));
  s->ranker_ = std::make_unique<Ranker>(*s->store_, *s->index_, config.ranking);
  s->related_service_ =
      std::make_unique<RelatedHeadlinesService>(*s->ranker_, s->state_, s->config_);
  s->admin_service_ = std::make_unique<AdminService>(*s->applier_, *s->store_, *s->index_,
                                                     s->state_, config.data_dir);

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
  s->state_.set_ready(true);
  health->SetServingStatus(true);
  health->SetServingStatus(kRelatedServiceName, true);
  return s;
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
  index_.reset();  // joins the compaction thread
  if (database_ != nullptr) (void)database_->Close();
}

}  // namespace headliner
