#include "cli/channel_credentials.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/read_file.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/client_interceptor.h"

namespace headliner {
namespace {

// Adds the bearer token to every call's initial metadata. (gRPC's call credentials would do the
// same but are refused on a plaintext channel, and Admin on loopback is usually plaintext.)
class BearerTokenInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit BearerTokenInterceptor(const std::string& header) : header_(header) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace("authorization", header_);
    }
    methods->Proceed();
  }

 private:
  const std::string header_;
};

class BearerTokenInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerTokenInterceptorFactory(std::string token) : header_("Bearer " + token) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* /*info*/) override {
    // gRPC's interface: it takes ownership of the interceptor and deletes it with the call.
    return std::make_unique<BearerTokenInterceptor>(header_).release();
  }

 private:
  const std::string header_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeAdminChannel(
    const std::string& addr, const std::shared_ptr<grpc::ChannelCredentials>& credentials,
    const std::string& token_file, const grpc::ChannelArguments& args) {
  if (token_file.empty()) return grpc::CreateCustomChannel(addr, credentials, args);
  absl::StatusOr<std::string> token = ReadFile(token_file, "--admin_token_file");
  if (!token.ok()) return token.status();
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> creators;
  creators.push_back(std::make_unique<BearerTokenInterceptorFactory>(
      std::string(absl::StripAsciiWhitespace(*token))));
  return grpc::experimental::CreateCustomChannelWithInterceptors(addr, credentials, args,
                                                                 std::move(creators));
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const std::string& ca_file, const std::string& cert_file, const std::string& key_file) {
  if (ca_file.empty() && cert_file.empty() && key_file.empty()) {
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions options;
  if (!ca_file.empty()) {
    absl::StatusOr<std::string> ca = ReadFile(ca_file, "--tls_ca");
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *ca;
  }
  if (cert_file.empty() != key_file.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key go together");
  }
  if (!cert_file.empty()) {
    absl::StatusOr<std::string> cert = ReadFile(cert_file, "--tls_cert");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadFile(key_file, "--tls_key");
    if (!key.ok()) return key.status();
    options.pem_cert_chain = *cert;
    options.pem_private_key = *key;
  }
  return grpc::SslCredentials(options);
}

}  // namespace headliner
