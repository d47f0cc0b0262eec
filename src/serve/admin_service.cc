#include "serve/admin_service.h"

#include "common/time_util.h"
#include "serve/experiment_report_proto.h"
#include "serve/grpc_status.h"
#include "serve/raw_unary.h"
#include "serve/request_limits.h"

namespace headliner {
namespace {

const grpc::Status kLoading(grpc::StatusCode::UNAVAILABLE, "index is loading");
constexpr size_t kMaxCheckpointDirBytes = 4096;

grpc::Status CheckId(const std::string& id) {
  if (id.empty()) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "article_id is empty");
  if (id.size() > v1::kMaxIdBytes) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "article_id is too long");
  }
  return grpc::Status::OK;
}

}  // namespace

template <typename Request, typename Response, typename Handler>
grpc::ServerUnaryReactor* AdminService::Serve(grpc::CallbackServerContext* context,
                                              const grpc::ByteBuffer* request,
                                              grpc::ByteBuffer* response, Handler&& handle) {
  // Before the request is parsed: an unauthenticated caller learns nothing from the server.
  if (grpc::Status refused = auth_.Check(*context); !refused.ok()) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(refused);
    return reactor;
  }
  return ServeUnaryRaw<Request, Response>(context, request, response,
                                          std::forward<Handler>(handle));
}

grpc::ServerUnaryReactor* AdminService::UpsertArticle(grpc::CallbackServerContext* context,
                                                      const grpc::ByteBuffer* request,
                                                      grpc::ByteBuffer* response) {
  return Serve<v1::UpsertArticleRequest, v1::UpsertArticleResponse>(
      context, request, response,
      [this](const v1::UpsertArticleRequest& r, v1::UpsertArticleResponse& out) {
        return HandleUpsertArticle(r, out);
      });
}

grpc::ServerUnaryReactor* AdminService::DeleteArticle(grpc::CallbackServerContext* context,
                                                      const grpc::ByteBuffer* request,
                                                      grpc::ByteBuffer* response) {
  return Serve<v1::DeleteArticleRequest, v1::DeleteArticleResponse>(
      context, request, response,
      [this](const v1::DeleteArticleRequest& r, v1::DeleteArticleResponse& out) {
        return HandleDeleteArticle(r, out);
      });
}

grpc::ServerUnaryReactor* AdminService::GetArticle(grpc::CallbackServerContext* context,
                                                   const grpc::ByteBuffer* request,
                                                   grpc::ByteBuffer* response) {
  return Serve<v1::GetArticleRequest, v1::Article>(
      context, request, response, [this](const v1::GetArticleRequest& r, v1::Article& out) {
        return HandleGetArticle(r, out);
      });
}

grpc::ServerUnaryReactor* AdminService::Stats(grpc::CallbackServerContext* context,
                                              const grpc::ByteBuffer* request,
                                              grpc::ByteBuffer* response) {
  return Serve<v1::StatsRequest, v1::StatsResponse>(
      context, request, response,
      [this](const v1::StatsRequest& /*request*/, v1::StatsResponse& out) {
        return ToGrpcStatus(stats_.Fill(out));
      });
}

grpc::ServerUnaryReactor* AdminService::GetActivity(grpc::CallbackServerContext* context,
                                                    const grpc::ByteBuffer* request,
                                                    grpc::ByteBuffer* response) {
  return Serve<v1::GetActivityRequest, v1::GetActivityResponse>(
      context, request, response,
      [this](const v1::GetActivityRequest& r, v1::GetActivityResponse& out) {
        return HandleGetActivity(r, out);
      });
}

grpc::ServerUnaryReactor* AdminService::ExperimentReport(grpc::CallbackServerContext* context,
                                                         const grpc::ByteBuffer* request,
                                                         grpc::ByteBuffer* response) {
  return Serve<v1::ExperimentReportRequest, v1::ExperimentReportResponse>(
      context, request, response,
      [this](const v1::ExperimentReportRequest& r, v1::ExperimentReportResponse& out) {
        const std::shared_ptr<const Engine> engine = state_.engine();
        if (engine == nullptr) return kLoading;
        return ToGrpcStatus(
            FillExperimentReport(engine->tables(), *experiments_.current(), r, out));
      });
}

grpc::ServerUnaryReactor* AdminService::Checkpoint(grpc::CallbackServerContext* context,
                                                   const grpc::ByteBuffer* request,
                                                   grpc::ByteBuffer* response) {
  return Serve<v1::CheckpointRequest, v1::CheckpointResponse>(
      context, request, response,
      [this](const v1::CheckpointRequest& r, v1::CheckpointResponse& out) {
        if (r.dir().size() > kMaxCheckpointDirBytes) {
          return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "dir is too long");
        }
        const std::shared_ptr<Engine> engine = state_.engine();
        if (engine == nullptr) return kLoading;
        absl::StatusOr<uint64_t> bytes = engine->Checkpoint(r.dir());
        if (!bytes.ok()) return ToGrpcStatus(bytes.status());
        out.set_dir(r.dir());
        out.set_bytes(*bytes);
        return grpc::Status::OK;
      });
}

grpc::Status AdminService::HandleUpsertArticle(const v1::UpsertArticleRequest& request,
                                               v1::UpsertArticleResponse& response) {
  const std::shared_ptr<Engine> engine = state_.engine();
  if (engine == nullptr) return kLoading;
  absl::StatusOr<ArticleApplyResult> r = engine->applier().ApplyArticle(request.article());
  if (!r.ok()) return ToGrpcStatus(r.status());
  response.set_applied(r->applied);
  response.set_internal_id(r->dense_id);
  return grpc::Status::OK;
}

grpc::Status AdminService::HandleDeleteArticle(const v1::DeleteArticleRequest& request,
                                               v1::DeleteArticleResponse& response) {
  const std::shared_ptr<Engine> engine = state_.engine();
  if (engine == nullptr) return kLoading;
  if (grpc::Status s = CheckId(request.article_id()); !s.ok()) return s;
  absl::StatusOr<ArticleApplyResult> r =
      engine->applier().DeleteArticle(request.article_id(), absl::Now());
  if (!r.ok()) return ToGrpcStatus(r.status());
  response.set_applied(r->applied);
  return grpc::Status::OK;
}

grpc::Status AdminService::HandleGetArticle(const v1::GetArticleRequest& request,
                                            v1::Article& response) {
  const std::shared_ptr<const Engine> engine = state_.engine();
  if (engine == nullptr) return kLoading;
  if (grpc::Status s = CheckId(request.article_id()); !s.ok()) return s;
  absl::StatusOr<std::optional<StoredArticle>> found =
      engine->tables().articles().FindByExternalId(request.article_id());
  if (!found.ok()) return ToGrpcStatus(found.status());
  if (!*found || (*found)->article.deleted()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        "article " + request.article_id() + " is unknown");
  }
  response = std::move((*found)->article);
  if (auto embedding = engine->tables().articles().FindEmbedding((*found)->dense_id);
      embedding.ok() && *embedding) {
    response.mutable_embedding()->Add((*embedding)->begin(), (*embedding)->end());
  }
  return grpc::Status::OK;
}

grpc::Status AdminService::HandleGetActivity(const v1::GetActivityRequest& request,
                                             v1::GetActivityResponse& response) {
  const std::shared_ptr<const Engine> engine = state_.engine();
  if (engine == nullptr) return kLoading;
  constexpr int kMaxKeys = 1000;
  if (request.article_ids_size() + request.sections_size() > kMaxKeys) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "at most 1000 article ids and sections per request");
  }
  const std::optional<int64_t> as_of =
      request.has_as_of() ? std::optional<int64_t>(ToMicros(request.as_of())) : std::nullopt;
  auto fill = [&](const std::string& key, const Activity& a, v1::Activity& out) {
    out.set_key(key);
    out.set_clicks(a.clicks);
    if (a.clicks == 0 && !as_of) return;  // no popularity and no time to report it at
    const int64_t at =
        std::max(as_of.value_or(a.popularity.as_of_micros), a.popularity.as_of_micros);
    out.set_popularity(a.popularity.ValueAt(at, popularity_half_life_));
    *out.mutable_popularity_as_of() = ToProtoTimestamp(absl::FromUnixMicros(at));
  };
  for (const std::string& id : request.article_ids()) {
    if (grpc::Status s = CheckId(id); !s.ok()) return s;
    absl::StatusOr<std::optional<StoredArticle>> found =
        engine->tables().articles().FindByExternalId(id);
    if (!found.ok()) return ToGrpcStatus(found.status());
    if (!*found) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "article " + id + " is unknown");
    }
    absl::StatusOr<Activity> a = engine->tables().clicks().FindArticleActivity((*found)->dense_id);
    if (!a.ok()) return ToGrpcStatus(a.status());
    fill(id, *a, *response.add_articles());
  }
  for (const std::string& section : request.sections()) {
    absl::StatusOr<Activity> a = engine->tables().clicks().FindSectionActivity(section);
    if (!a.ok()) return ToGrpcStatus(a.status());
    fill(section, *a, *response.add_sections());
  }
  return grpc::Status::OK;
}

}  // namespace headliner
