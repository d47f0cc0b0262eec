#include "serve/admin_auth.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/read_file.h"
#include "serve/server_config.h"

namespace headliner {
namespace {

constexpr absl::string_view kBearer = "Bearer ";

const grpc::Status kUnauthenticated(grpc::StatusCode::UNAUTHENTICATED,
                                    "Admin needs \"authorization: Bearer <token>\" "
                                    "(the token in the server's server.admin_token_file)");

}  // namespace

absl::StatusOr<AdminAuthenticator> AdminAuthenticator::FromTokenFile(const std::string& path,
                                                                     const std::string& key) {
  if (path.empty()) return AdminAuthenticator(std::nullopt);
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(key, ": cannot read ", path));
  std::ostringstream content;
  content << in.rdbuf();
  // A Secret written with `echo` ends in a newline; it is not part of the token.
  const std::string text = content.str();
  const absl::string_view token = absl::StripAsciiWhitespace(text);
  if (token.size() < kMinTokenBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(key, ": the token in ", path, " is shorter than ", kMinTokenBytes, " bytes"));
  }
  return AdminAuthenticator(DigestOf(token));
}

AdminAuthenticator::Digest AdminAuthenticator::DigestOf(absl::string_view token) {
  Digest digest;
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest.data());
  return digest;
}

grpc::Status AdminAuthenticator::Check(const grpc::ServerContextBase& context) const {
  if (!digest_) return grpc::Status::OK;
  const auto& metadata = context.client_metadata();
  const auto it = metadata.find("authorization");
  if (it == metadata.end()) return kUnauthenticated;
  const absl::string_view value(it->second.data(), it->second.size());
  if (!absl::StartsWith(value, kBearer)) return kUnauthenticated;
  const Digest presented = DigestOf(value.substr(kBearer.size()));
  if (CRYPTO_memcmp(presented.data(), digest_->data(), presented.size()) != 0) {
    return kUnauthenticated;
  }
  return grpc::Status::OK;
}

bool IsLocalAddress(absl::string_view addr) {
  if (absl::StartsWith(addr, "unix:") || absl::StartsWith(addr, "unix-abstract:")) return true;
  absl::string_view host = addr;
  if (absl::StartsWith(host, "[")) {  // "[v6]:port"
    const size_t close = host.find(']');
    host = close == absl::string_view::npos ? absl::string_view() : host.substr(1, close - 1);
  } else if (const size_t colon = host.rfind(':'); colon != absl::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (host == "localhost") return true;
  const std::string text(host);
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6;
  return inet_pton(AF_INET6, text.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

absl::Status CheckAdminExposure(const ServerConfig& config) {
  const std::string& addr = config.effective_admin_addr();
  if (IsLocalAddress(addr) || !config.admin_token_file.empty() ||
      !config.tls.client_ca_file.empty()) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      config.admin_addr.empty() ? "server.admin_addr (empty: on server.grpc_addr): "
                                : "server.admin_addr: ",
      addr,
      " can be reached from other hosts: set server.admin_token_file (a bearer token) or "
      "server.tls.client_ca_file (client certificates), or listen on loopback"));
}

}  // namespace headliner
