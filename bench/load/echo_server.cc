// The floor of the serving benchmarks: a bare gRPC server of the RelatedHeadlines service, on
// the same callback API and server options as Headliner's, that answers every GetRelated with
// one canned response of the same size as the real one and does no other work. What the load
// generator measures against it is what gRPC, protobuf and the machine cost; every serving
// figure is reported as a ratio to it.
//
//   build/bench/echo_server --port 50061 [--response captured.bin]
// Without --response, the canned response is a synthetic one of 10 items shaped like the real
// ones (ids, headlines, urls, sections, times, scores, three reasons, a token).
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/server_builder.h"
#include "headliner/v1/related.grpc.pb.h"

ABSL_FLAG(int, port, 50061, "Port to listen on (127.0.0.1).");
ABSL_FLAG(std::string, response, "", "A serialised GetRelatedResponse to serve.");

namespace headliner::bench {
namespace {

v1::GetRelatedResponse SyntheticResponse() {
  v1::GetRelatedResponse r;
  for (int i = 0; i < 10; ++i) {
    v1::RelatedItem* item = r.add_items();
    item->set_article_id(absl::StrCat("sample-", 100000 + i * 7919));
    item->set_headline("Japan, Pakistan agree on better industrial cooperation, officials say");
    item->set_url(absl::StrCat("https://news.example.com/world/", 100000 + i));
    item->set_section("world");
    item->mutable_published_at()->set_seconds(1764000000 + i);
    item->set_score(0.9 - 0.05 * i);
    for (const char* feature : {"content", "covisitation", "freshness"}) {
      v1::Reason* reason = item->add_reasons();
      reason->set_feature(feature);
      reason->set_value(0.5);
      reason->set_contribution(0.2);
    }
  }
  r.set_variant("default");
  r.set_token(std::string(64, 'A'));
  return r;
}

class EchoService final : public v1::RelatedHeadlines::CallbackService {
 public:
  explicit EchoService(v1::GetRelatedResponse canned) : canned_(std::move(canned)) {}

  grpc::ServerUnaryReactor* GetRelated(grpc::CallbackServerContext* context,
                                       const v1::GetRelatedRequest* /*request*/,
                                       v1::GetRelatedResponse* response) override {
    *response = canned_;
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  const v1::GetRelatedResponse canned_;
};

int Main() {
  v1::GetRelatedResponse canned = SyntheticResponse();
  if (const std::string path = absl::GetFlag(FLAGS_response); !path.empty()) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    if (!in || !canned.ParseFromString(bytes.str())) {
      std::fprintf(stderr, "echo_server: cannot read a response from %s\n", path.c_str());
      return 2;
    }
  }
  EchoService service(canned);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(absl::StrCat("127.0.0.1:", absl::GetFlag(FLAGS_port)),
                           grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "echo_server: cannot listen on port %d\n", absl::GetFlag(FLAGS_port));
    return 1;
  }
  std::fprintf(stderr, "echo_server: %zu-byte responses on 127.0.0.1:%d\n", canned.ByteSizeLong(),
               port);
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  int signal_number = 0;
  sigwait(&stop, &signal_number);
  server->Shutdown();
  return 0;
}

}  // namespace
}  // namespace headliner::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return headliner::bench::Main();
}
