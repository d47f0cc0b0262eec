// The Admin service on its own port with a bearer token: the public port does not serve it, a
// call without the token (or with a wrong one) is UNAUTHENTICATED before its request is read, and
// the CLI's admin channel (--admin_token_file) gets through.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "cli/channel_credentials.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "headliner/v1/admin.grpc.pb.h"
#include "serve/server.h"
#include "test_util.h"

namespace headliner {
namespace {

constexpr char kToken[] = "0123456789abcdef0123456789abcdef";

// A port free now (bound, read, released): the public port takes ":0", so Admin needs another.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

class AdminPortTest : public ::testing::Test {
 protected:
  void SetUp() override {
    token_file_ = dir_.path() + "/admin-token";
    std::ofstream(token_file_) << kToken << "\n";
    config_.data_dir = dir_.path() + "/data";
    config_.server.grpc_addr = "127.0.0.1:0";
    const int admin = FreePort();
    ASSERT_NE(admin, 0);
    config_.server.admin_addr = absl::StrCat("127.0.0.1:", admin);
    config_.server.admin_token_file = token_file_;
    auto server = HeadlinerServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    ASSERT_EQ(server_->admin_port(), admin);
    ASSERT_NE(server_->port(), admin);
  }

  std::shared_ptr<grpc::Channel> Channel(int port) {
    return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                               grpc::InsecureChannelCredentials());
  }
  // Admin.Stats over `channel`, with `authorization` metadata when not empty.
  grpc::StatusCode Stats(const std::shared_ptr<grpc::Channel>& channel,
                         const std::string& authorization = "") {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    if (!authorization.empty()) context.AddMetadata("authorization", authorization);
    v1::StatsResponse response;
    return v1::Admin::NewStub(channel)->Stats(&context, v1::StatsRequest(), &response).error_code();
  }
  grpc::StatusCode Health(int port, const std::string& service) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status =
        grpc::health::v1::Health::NewStub(Channel(port))->Check(&context, request, &response);
    if (status.ok() && response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
      return grpc::StatusCode::UNAVAILABLE;
    }
    return status.error_code();
  }

  testing::TempDir dir_;
  std::string token_file_;
  Config config_;
  std::unique_ptr<HeadlinerServer> server_;
};

TEST_F(AdminPortTest, AdminIsOnlyOnItsOwnPort) {
  EXPECT_EQ(Stats(Channel(server_->port()), std::string("Bearer ") + kToken),
            grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(Stats(Channel(server_->admin_port()), std::string("Bearer ") + kToken),
            grpc::StatusCode::OK);
  // Each port's health names what it serves.
  EXPECT_EQ(Health(server_->port(), kRelatedServiceName), grpc::StatusCode::OK);
  EXPECT_EQ(Health(server_->port(), kAdminServiceName), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Health(server_->admin_port(), kAdminServiceName), grpc::StatusCode::OK);
  EXPECT_EQ(Health(server_->admin_port(), ""), grpc::StatusCode::OK);
}

TEST_F(AdminPortTest, CallsWithoutTheTokenAreUnauthenticated) {
  auto admin = Channel(server_->admin_port());
  EXPECT_EQ(Stats(admin), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Stats(admin, "Bearer wrong-token-wrong-token-xx"), grpc::StatusCode::UNAUTHENTICATED);
  // A write is refused too, and writes nothing.
  grpc::ClientContext context;
  v1::UpsertArticleRequest upsert;
  upsert.mutable_article()->set_id("a1");
  upsert.mutable_article()->set_headline("Unauthenticated upsert");
  v1::UpsertArticleResponse upserted;
  EXPECT_EQ(v1::Admin::NewStub(admin)->UpsertArticle(&context, upsert, &upserted).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext get_context;
  get_context.AddMetadata("authorization", std::string("Bearer ") + kToken);
  v1::GetArticleRequest get;
  get.set_article_id("a1");
  v1::Article article;
  EXPECT_EQ(v1::Admin::NewStub(admin)->GetArticle(&get_context, get, &article).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(AdminPortTest, TheCliAdminChannelCarriesTheToken) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      MakeAdminChannel(absl::StrCat("127.0.0.1:", server_->admin_port()),
                       grpc::InsecureChannelCredentials(), token_file_);
  ASSERT_TRUE(channel.ok()) << channel.status();
  EXPECT_EQ(Stats(*channel), grpc::StatusCode::OK);
  channel =
      MakeAdminChannel("127.0.0.1:1", grpc::InsecureChannelCredentials(), dir_.path() + "/missing");
  ASSERT_FALSE(channel.ok());
  EXPECT_NE(channel.status().message().find("--admin_token_file"), std::string::npos);
}

TEST(AdminExposureTest, APublicAdminAddressWithoutACredentialStopsTheStart) {
  testing::TempDir dir;
  Config config;
  config.data_dir = dir.path();
  config.server.grpc_addr = "127.0.0.1:0";
  config.server.admin_addr = "0.0.0.0:0";
  // Config validation refuses this (config_test); Start checks the token file it is given.
  config.server.admin_token_file = dir.path() + "/missing";
  auto server = HeadlinerServer::Start(config);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("server.admin_token_file"), std::string::npos)
      << server.status();
}

}  // namespace
}  // namespace headliner
