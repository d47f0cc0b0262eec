#include "cli/cli_commands.h"

#include <cstdio>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "cli/progress_bar.h"
#include "cli/rpc_output.h"
#include "cli/table_printer.h"
#include "common/time_util.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "headliner/v1/admin.grpc.pb.h"
#include "headliner/v1/related.grpc.pb.h"
#include "sample/sample_catalog.h"

namespace headliner {
namespace {

std::string Age(const google::protobuf::Timestamp& published) {
  const absl::Duration age = absl::Now() - FromProto(published);
  if (age < absl::Hours(1)) return absl::StrCat(absl::ToInt64Minutes(age), "m ago");
  if (age < absl::Hours(48)) return absl::StrCat(absl::ToInt64Hours(age), "h ago");
  return absl::StrCat(absl::ToInt64Hours(age) / 24, "d ago");
}

}  // namespace

int RunRelated(const std::shared_ptr<grpc::Channel>& channel, const CliOptions& options,
               const std::string& article_id) {
  auto stub = v1::RelatedHeadlines::NewStub(channel);
  v1::GetRelatedRequest request;
  request.set_article_id(article_id);
  request.set_limit(options.limit);
  request.set_explain(options.explain);
  request.set_user_id(options.user_id);
  request.set_session_id(options.session_id);
  request.set_force_variant(options.force_variant);
  for (const auto& s : options.sections) request.mutable_filter()->add_sections(s);
  for (const auto& l : options.languages) request.mutable_filter()->add_languages(l);
  v1::GetRelatedResponse response;
  grpc::ClientContext context;
  SetDeadline(context, options);
  grpc::Status status = stub->GetRelated(&context, request, &response);
  if (!status.ok()) return Fail("related " + article_id, status);
  if (options.json) {
    std::printf("%s\n", ToJson(response, true).c_str());
    return 0;
  }
  TablePrinter table({"#", "score", "section", "published", "headline", "id"},
                     {0, 0, 14, 0, 72, 24});
  int rank = 0;
  for (const v1::RelatedItem& item : response.items()) {
    table.AddRow({absl::StrCat(++rank), absl::StrFormat("%.3f", item.score()), item.section(),
                  Age(item.published_at()), item.headline(), item.article_id()});
  }
  table.Print(stdout);
  if (options.explain) {
    for (const v1::RelatedItem& item : response.items()) {
      std::string reasons;
      for (const v1::Reason& r : item.reasons()) {
        absl::StrAppendFormat(&reasons, " %s=%.3f(+%.3f)", r.feature(), r.value(),
                              r.contribution());
      }
      std::printf("  %s:%s\n", item.article_id().c_str(), reasons.c_str());
    }
  }
  if (response.fallback()) {
    std::printf("(unknown article %s: showing the freshest articles instead)\n",
                article_id.c_str());
  }
  std::printf("variant=%s token=%s\n", response.variant().c_str(), response.token().c_str());
  return 0;
}

int RunLoad(const std::shared_ptr<grpc::Channel>& channel, const CliOptions& options,
            const std::string& path) {
  auto stub = v1::Admin::NewStub(channel);
  std::ifstream file;
  if (path != "-") {  // '-' reads stdin, as `produce` does
    file.open(path);
    if (!file) {
      std::fprintf(stderr, "load: cannot read %s\n", path.c_str());
      return 1;
    }
  }
  std::istream& in = path == "-" ? std::cin : file;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(std::move(line));

  ProgressBar bar("load", lines.size());
  const absl::Time start = absl::Now();
  uint64_t accepted = 0, unchanged = 0, rejected = 0, blank = 0;
  constexpr int kMaxErrorsShown = 10;
  auto report = [&](size_t line_number, const std::string& why) {
    if (++rejected <= kMaxErrorsShown) {
      std::fprintf(stderr, "%s:%zu: rejected: %s\n", path.c_str(), line_number, why.c_str());
    }
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    bar.Update(i, "");
    if (lines[i].find_first_not_of(" \t\r") == std::string::npos) {
      ++blank;
      continue;
    }
    v1::UpsertArticleRequest request;
    auto parsed = google::protobuf::util::JsonStringToMessage(lines[i], request.mutable_article());
    if (!parsed.ok()) {
      report(i + 1, absl::StrCat("not an Article in JSON: ", parsed.message().as_string()));
      continue;
    }
    v1::UpsertArticleResponse response;
    grpc::ClientContext context;
    SetDeadline(context, options);
    grpc::Status status = stub->UpsertArticle(&context, request, &response);
    if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
      report(i + 1, status.error_message());
    } else if (!status.ok()) {
      bar.Finish(i, "");
      return Fail(absl::StrCat(path, ":", i + 1), status);
    } else if (response.applied()) {
      ++accepted;
    } else {
      ++unchanged;
    }
  }
  bar.Finish(lines.size(), "");
  // The server encodes each headline as it applies it: the rate is the encoder's as much as ours.
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf(
      "loaded %s: %llu accepted, %llu unchanged (not newer), %llu rejected in %.1f s "
      "(%.0f headlines/s, one request each; the articles topic applies them in batches)\n",
      path.c_str(), static_cast<unsigned long long>(accepted),
      static_cast<unsigned long long>(unchanged), static_cast<unsigned long long>(rejected),
      seconds, seconds > 0 ? (accepted + unchanged) / seconds : 0.0);
  return 0;
}

int RunGet(const std::shared_ptr<grpc::Channel>& channel, const CliOptions& options,
           const std::string& article_id) {
  auto stub = v1::Admin::NewStub(channel);
  v1::GetArticleRequest request;
  request.set_article_id(article_id);
  v1::Article article;
  grpc::ClientContext context;
  SetDeadline(context, options);
  grpc::Status status = stub->GetArticle(&context, request, &article);
  if (!status.ok()) return Fail("get " + article_id, status);
  if (!options.json) article.clear_embedding();  // 256 numbers are noise in a terminal
  std::printf("%s\n", ToJson(article, true).c_str());
  return 0;
}

int RunDelete(const std::shared_ptr<grpc::Channel>& channel, const CliOptions& options,
              const std::string& article_id) {
  auto stub = v1::Admin::NewStub(channel);
  v1::DeleteArticleRequest request;
  request.set_article_id(article_id);
  v1::DeleteArticleResponse response;
  grpc::ClientContext context;
  SetDeadline(context, options);
  grpc::Status status = stub->DeleteArticle(&context, request, &response);
  if (!status.ok()) return Fail("delete " + article_id, status);
  std::printf("%s %s\n", article_id.c_str(), response.applied() ? "deleted" : "already deleted");
  return 0;
}

int RunStats(const std::shared_ptr<grpc::Channel>& channel, const CliOptions& options) {
  auto stub = v1::Admin::NewStub(channel);
  v1::StatsRequest request;
  v1::StatsResponse response;
  grpc::ClientContext context;
  SetDeadline(context, options);
  grpc::Status status = stub->Stats(&context, request, &response);
  if (!status.ok()) return Fail("stats", status);
  std::printf("%s\n", ToJson(response, true).c_str());
  return 0;
}

int RunHealth(const std::shared_ptr<grpc::Channel>& channel, const CliOptions& options,
              const std::string& service) {
  // grpc.health.v1.HealthCheckRequest is `string service = 1`, and the answer SERVING is
  // `status = 1` (field 1, varint 1): two messages simple enough to write by hand, so the CLI
  // needs no generated health stubs.
  std::string request_bytes;
  if (!service.empty()) {
    if (service.size() > 127) return Fail("health", grpc::Status(grpc::INVALID_ARGUMENT, "name"));
    request_bytes = std::string{'\x0a', static_cast<char>(service.size())} + service;
  }
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::ClientContext context;
  SetDeadline(context, options);
  grpc::GenericStub stub(channel);
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  if (!status.ok()) return Fail("health", status);
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (response.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices)
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  const bool serving = bytes == std::string("\x08\x01", 2);
  std::printf("%s\n", serving ? "SERVING" : "NOT_SERVING");
  return serving ? 0 : 1;
}

int RunCheckpoint(const std::shared_ptr<grpc::Channel>& channel, const CliOptions& options,
                  const std::string& dir) {
  auto stub = v1::Admin::NewStub(channel);
  v1::CheckpointRequest request;
  request.set_dir(dir);
  v1::CheckpointResponse response;
  grpc::ClientContext context;
  SetDeadline(context, options);
  grpc::Status status = stub->Checkpoint(&context, request, &response);
  if (!status.ok()) return Fail("checkpoint " + dir, status);
  std::printf("checkpoint in %s (%.1f MiB on the server)\n", response.dir().c_str(),
              static_cast<double>(response.bytes()) / (1 << 20));
  return 0;
}

int RunActivity(const std::shared_ptr<grpc::Channel>& channel, const CliOptions& options,
                const std::vector<std::string>& article_ids, std::optional<absl::Time> as_of) {
  auto stub = v1::Admin::NewStub(channel);
  v1::GetActivityRequest request;
  for (const std::string& id : article_ids) request.add_article_ids(id);
  for (const std::string& section : options.sections) request.add_sections(section);
  if (as_of) *request.mutable_as_of() = ToProtoTimestamp(*as_of);
  v1::GetActivityResponse response;
  grpc::ClientContext context;
  SetDeadline(context, options);
  grpc::Status status = stub->GetActivity(&context, request, &response);
  if (!status.ok()) return Fail("activity", status);
  std::printf("%s\n", ToJson(response, !options.json).c_str());
  return 0;
}

int RunSample(int articles, uint64_t seed, absl::Duration span) {
  SampleCatalogOptions options;
  options.articles = articles;
  options.seed = seed;
  if (span > absl::ZeroDuration()) options.span = span;
  options.newest = absl::Now();
  for (const SampleArticle& s : GenerateSampleCatalog(options)) {
    std::printf("%s\n", ToJson(s.article, false).c_str());
  }
  return 0;
}

}  // namespace headliner
