#include "serve/admin_auth.h"

#include <fstream>

#include "grpcpp/test/server_context_test_spouse.h"
#include "gtest/gtest.h"
#include "serve/server_config.h"
#include "test_util.h"

namespace headliner {
namespace {

constexpr char kToken[] = "s3cret-token-of-32-characters-xx";

class AdminAuthTest : public ::testing::Test {
 protected:
  std::string WriteToken(const std::string& content) {
    const std::string path = dir_.path() + "/token";
    std::ofstream(path) << content;
    return path;
  }
  // The status of a call carrying `authorization` (none when empty).
  grpc::StatusCode Call(const AdminAuthenticator& auth, const std::string& authorization) {
    grpc::ServerContext context;
    grpc::testing::ServerContextTestSpouse spouse(&context);
    if (!authorization.empty()) spouse.AddClientMetadata("authorization", authorization);
    return auth.Check(context).error_code();
  }
  testing::TempDir dir_;
};

TEST_F(AdminAuthTest, WithoutATokenFileEveryCallPasses) {
  absl::StatusOr<AdminAuthenticator> auth = AdminAuthenticator::FromTokenFile("", "k");
  ASSERT_TRUE(auth.ok());
  EXPECT_FALSE(auth->requires_token());
  EXPECT_EQ(Call(*auth, ""), grpc::StatusCode::OK);
}

TEST_F(AdminAuthTest, OnlyTheBearerTokenPasses) {
  // The file's trailing newline is not part of the token.
  absl::StatusOr<AdminAuthenticator> auth =
      AdminAuthenticator::FromTokenFile(WriteToken(std::string(kToken) + "\n"), "k");
  ASSERT_TRUE(auth.ok()) << auth.status();
  EXPECT_TRUE(auth->requires_token());
  EXPECT_EQ(Call(*auth, std::string("Bearer ") + kToken), grpc::StatusCode::OK);
  EXPECT_EQ(Call(*auth, ""), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Call(*auth, kToken), grpc::StatusCode::UNAUTHENTICATED);  // no scheme
  EXPECT_EQ(Call(*auth, std::string("Basic ") + kToken), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Call(*auth, std::string("Bearer ") + kToken + "x"), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Call(*auth, "Bearer s3cret"), grpc::StatusCode::UNAUTHENTICATED);  // a prefix
  EXPECT_EQ(Call(*auth, "Bearer "), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AdminAuthTest, ShortOrMissingTokenFilesAreErrorsNamingTheKey) {
  absl::StatusOr<AdminAuthenticator> auth =
      AdminAuthenticator::FromTokenFile(WriteToken("short\n"), "server.admin_token_file");
  ASSERT_FALSE(auth.ok());
  EXPECT_NE(auth.status().message().find("server.admin_token_file"), std::string::npos);
  auth = AdminAuthenticator::FromTokenFile(dir_.path() + "/missing", "server.admin_token_file");
  ASSERT_FALSE(auth.ok());
  EXPECT_NE(auth.status().message().find("cannot read"), std::string::npos);
}

TEST(IsLocalAddressTest, LoopbackAndUnixSocketsOnly) {
  EXPECT_TRUE(IsLocalAddress("127.0.0.1:50052"));
  EXPECT_TRUE(IsLocalAddress("127.0.0.2:0"));
  EXPECT_TRUE(IsLocalAddress("localhost:50052"));
  EXPECT_TRUE(IsLocalAddress("[::1]:50052"));
  EXPECT_TRUE(IsLocalAddress("unix:/run/headliner/admin.sock"));
  EXPECT_FALSE(IsLocalAddress("0.0.0.0:50052"));
  EXPECT_FALSE(IsLocalAddress("[::]:50052"));
  EXPECT_FALSE(IsLocalAddress(":50052"));
  EXPECT_FALSE(IsLocalAddress("10.0.0.7:50052"));
  EXPECT_FALSE(IsLocalAddress("[::1"));
  EXPECT_FALSE(IsLocalAddress("127.evil.example:50052"));
}

TEST(CheckAdminExposureTest, AnAddressOthersReachNeedsACredential) {
  ServerConfig config;
  EXPECT_TRUE(CheckAdminExposure(config).ok());  // loopback by default
  config.admin_addr = "0.0.0.0:50052";
  absl::Status status = CheckAdminExposure(config);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("server.admin_addr"), std::string::npos) << status;
  config.admin_token_file = "/etc/headliner/admin-token";
  EXPECT_TRUE(CheckAdminExposure(config).ok());
  config.admin_token_file.clear();
  config.tls.client_ca_file = "/etc/headliner/tls/ca.crt";
  EXPECT_TRUE(CheckAdminExposure(config).ok());
  // Admin on the public port follows the public port's address.
  config.tls.client_ca_file.clear();
  config.admin_addr.clear();
  config.grpc_addr = "0.0.0.0:50051";
  status = CheckAdminExposure(config);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("server.grpc_addr"), std::string::npos) << status;
}

}  // namespace
}  // namespace headliner
