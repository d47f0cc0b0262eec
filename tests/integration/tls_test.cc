// TLS and mTLS on the gRPC port, with certificates made by openssl for each test: plaintext and
// wrong-CA clients are refused, a good client works, a rotated certificate is served without a
// restart, and bad files stop the start with a message naming the key.
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "kafka_test_util.h"
#include "serve/server.h"
#include "test_util.h"

namespace headliner {
namespace {

using testing::WaitFor;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A directory of PEM files made with the openssl command: CAs, and certificates they sign.
class Pki {
 public:
  Pki() = default;
  const std::string& dir() const { return dir_.path(); }
  std::string Path(const std::string& name) const { return dir() + "/" + name; }

  // <name>.pem and <name>.key, self-signed.
  bool MakeCa(const std::string& name) {
    return Run(
        absl::StrCat("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
                     "-nodes -days 2 -subj /CN=",
                     name, " -keyout ", Path(name + ".key"), " -out ", Path(name + ".pem")));
  }
  // <name>.pem and <name>.key, signed by `ca`, for localhost and 127.0.0.1.
  bool MakeCert(const std::string& name, const std::string& ca) {
    std::ofstream(Path("san.ext")) << "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
    return Run(absl::StrCat("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                            "-subj /CN=",
                            name, " -keyout ", Path(name + ".key"), " -out ",
                            Path(name + ".csr"))) &&
           Run(absl::StrCat("openssl x509 -req -days 2 -in ", Path(name + ".csr"), " -CA ",
                            Path(ca + ".pem"), " -CAkey ", Path(ca + ".key"),
                            " -CAcreateserial -extfile ", Path("san.ext"), " -out ",
                            Path(name + ".pem")));
  }

 private:
  static bool Run(const std::string& command) {
    return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
  }
  testing::TempDir dir_;
};

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pki_.MakeCa("ca")) << "openssl is needed";
    ASSERT_TRUE(pki_.MakeCa("other-ca"));
    ASSERT_TRUE(pki_.MakeCert("server", "ca"));
    ASSERT_TRUE(pki_.MakeCert("client", "ca"));
    ASSERT_TRUE(pki_.MakeCert("stranger", "other-ca"));
  }

  absl::StatusOr<std::unique_ptr<HeadlinerServer>> Start(bool mutual) {
    config_.data_dir = data_.path();
    config_.server.grpc_addr = "127.0.0.1:0";
    config_.server.admin_addr = "";  // Admin on the same port
    config_.server.tls.cert_file = pki_.Path("server.pem");
    config_.server.tls.key_file = pki_.Path("server.key");
    if (mutual) config_.server.tls.client_ca_file = pki_.Path("ca.pem");
    config_.server.tls.reload_interval = absl::Seconds(1);
    return HeadlinerServer::Start(config_);
  }

  // A health check over a new channel: its status code.
  grpc::StatusCode Check(int port, std::shared_ptr<grpc::ChannelCredentials> credentials) {
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    auto channel = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port), credentials, args);
    auto health = grpc::health::v1::Health::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    return health->Check(&ctx, request, &response).error_code();
  }

  std::shared_ptr<grpc::ChannelCredentials> Trusting(const std::string& ca,
                                                     const std::string& identity = "") {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = Read(pki_.Path(ca + ".pem"));
    if (!identity.empty()) {
      options.pem_cert_chain = Read(pki_.Path(identity + ".pem"));
      options.pem_private_key = Read(pki_.Path(identity + ".key"));
    }
    return grpc::SslCredentials(options);
  }

  Pki pki_;
  testing::TempDir data_;
  Config config_;
};

TEST_F(TlsTest, TlsRefusesPlaintextAndClientsOfAnotherCa) {
  auto server = Start(/*mutual=*/false);
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();
  EXPECT_EQ(Check(port, Trusting("ca")), grpc::StatusCode::OK);
  EXPECT_EQ(Check(port, grpc::InsecureChannelCredentials()), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Check(port, Trusting("other-ca")), grpc::StatusCode::UNAVAILABLE);
  (*server)->Shutdown();
}

TEST_F(TlsTest, MutualTlsRequiresAClientCertificateFromTheCa) {
  auto server = Start(/*mutual=*/true);
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();
  EXPECT_EQ(Check(port, Trusting("ca", "client")), grpc::StatusCode::OK);
  EXPECT_EQ(Check(port, Trusting("ca")), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Check(port, Trusting("ca", "stranger")), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Check(port, grpc::InsecureChannelCredentials()), grpc::StatusCode::UNAVAILABLE);
  (*server)->Shutdown();
}

TEST_F(TlsTest, ARotatedCertificateIsServedWithoutARestart) {
  auto server = Start(/*mutual=*/false);
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();
  ASSERT_EQ(Check(port, Trusting("ca")), grpc::StatusCode::OK);
  // cert-manager's way: the Secret volume's files are replaced by a pair from a new CA.
  ASSERT_TRUE(pki_.MakeCa("new-ca"));
  ASSERT_TRUE(pki_.MakeCert("next", "new-ca"));
  std::filesystem::rename(pki_.Path("next.key"), pki_.Path("server.key"));
  std::filesystem::rename(pki_.Path("next.pem"), pki_.Path("server.pem"));
  EXPECT_TRUE(WaitFor([&] { return Check(port, Trusting("new-ca")) == grpc::StatusCode::OK; },
                      absl::Seconds(10)));
  EXPECT_EQ(Check(port, Trusting("ca")), grpc::StatusCode::UNAVAILABLE);
  (*server)->Shutdown();
}

TEST_F(TlsTest, BadFilesStopTheStartNamingTheKey) {
  // A key that is not the certificate's.
  config_.server.tls.key_file = pki_.Path("client.key");
  config_.data_dir = data_.path();
  config_.server.grpc_addr = "127.0.0.1:0";
  config_.server.admin_addr = "";  // Admin on the same port
  config_.server.tls.cert_file = pki_.Path("server.pem");
  auto server = HeadlinerServer::Start(config_);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("server.tls.key_file"), absl::string_view::npos)
      << server.status();
  // A certificate file that is not PEM.
  config_.server.tls.key_file = pki_.Path("server.key");
  config_.server.tls.cert_file = pki_.Path("san.ext");
  server = HeadlinerServer::Start(config_);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("server.tls.cert_file"), absl::string_view::npos)
      << server.status();
  // A missing CA.
  config_.server.tls.cert_file = pki_.Path("server.pem");
  config_.server.tls.client_ca_file = pki_.Path("missing.pem");
  server = HeadlinerServer::Start(config_);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("server.tls.client_ca_file"), absl::string_view::npos)
      << server.status();
}

}  // namespace
}  // namespace headliner
