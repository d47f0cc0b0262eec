#include "serve/admin_service.h"

#include <filesystem>
#include <system_error>

#include "common/time_util.h"
#include "common/version.h"
#include "serve/grpc_status.h"
#include "serve/request_limits.h"

namespace headliner {
namespace {

grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context, const grpc::Status& s) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(s);
  return reactor;
}

const grpc::Status kLoading(grpc::StatusCode::UNAVAILABLE, "index is loading");

grpc::Status CheckId(const std::string& id) {
  if (id.empty()) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "article_id is empty");
  if (id.size() > kMaxIdBytes) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "article_id is too long");
  }
  return grpc::Status::OK;
}

uint64_t DirectoryBytes(const std::string& dir) {
  std::error_code ec;
  uint64_t total = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) total += it->file_size(size_ec);
  }
  return total;
}

}  // namespace

grpc::ServerUnaryReactor* AdminService::UpsertArticle(grpc::CallbackServerContext* context,
                                                      const v1::UpsertArticleRequest* request,
                                                      v1::UpsertArticleResponse* response) {
  if (!state_.ready()) return Finish(context, kLoading);
  absl::StatusOr<ApplyResult> r = applier_.Apply(request->article());
  if (!r.ok()) return Finish(context, ToGrpcStatus(r.status()));
  response->set_applied(r->applied);
  response->set_internal_id(r->dense_id);
  return Finish(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* AdminService::DeleteArticle(grpc::CallbackServerContext* context,
                                                      const v1::DeleteArticleRequest* request,
                                                      v1::DeleteArticleResponse* response) {
  if (!state_.ready()) return Finish(context, kLoading);
  if (grpc::Status s = CheckId(request->article_id()); !s.ok()) return Finish(context, s);
  absl::StatusOr<ApplyResult> r = applier_.Delete(request->article_id(), absl::Now());
  if (!r.ok()) return Finish(context, ToGrpcStatus(r.status()));
  response->set_applied(r->applied);
  return Finish(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* AdminService::GetArticle(grpc::CallbackServerContext* context,
                                                   const v1::GetArticleRequest* request,
                                                   v1::Article* response) {
  if (grpc::Status s = CheckId(request->article_id()); !s.ok()) return Finish(context, s);
  absl::StatusOr<std::optional<StoredArticle>> found =
      store_.FindByExternalId(request->article_id());
  if (!found.ok()) return Finish(context, ToGrpcStatus(found.status()));
  if (!*found || (*found)->article.deleted()) {
    return Finish(context, grpc::Status(grpc::StatusCode::NOT_FOUND,
                                        "article " + request->article_id() + " is unknown"));
  }
  *response = std::move((*found)->article);
  if (auto embedding = store_.FindEmbedding((*found)->dense_id); embedding.ok() && *embedding) {
    response->mutable_embedding()->Add((*embedding)->begin(), (*embedding)->end());
  }
  return Finish(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* AdminService::Stats(grpc::CallbackServerContext* context,
                                              const v1::StatsRequest* /*request*/,
                                              v1::StatsResponse* response) {
  absl::StatusOr<CatalogCounts> counts = store_.Counts();
  if (!counts.ok()) return Finish(context, ToGrpcStatus(counts.status()));
  response->set_articles(counts->live);
  response->set_deleted_articles(counts->deleted);
  const IndexStats index = index_.Stats();
  response->set_index_vectors(index.live);
  response->set_index_main_segment(index.main_segment);
  response->set_index_delta_segment(index.delta_segment);
  response->set_index_compactions(index.compactions);
  response->set_data_dir_bytes(DirectoryBytes(data_dir_));
  *response->mutable_uptime() = ToProtoDuration(state_.uptime());
  response->set_version(Version());
  for (const auto& [reason, n] : applier_.RejectedCounts()) {
    (*response->mutable_rejected())[reason] = n;
  }
  return Finish(context, grpc::Status::OK);
}

}  // namespace headliner
