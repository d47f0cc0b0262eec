// Who may call the Admin service. Admin writes the catalog (upsert, delete) and reads every
// reader's activity, so it listens on its own address (server.admin_addr, loopback by default)
// and, when that address is reachable from other hosts, needs a credential: a client certificate
// signed by server.tls.client_ca_file (checked by the transport before any call) or a bearer token
// (checked here on every call).
//
// The token is read from server.admin_token_file at start (a Kubernetes Secret volume); a call
// carries it as "authorization: Bearer <token>". Tokens are compared through their SHA-256
// digests with a constant-time comparison, so the time a refusal takes says nothing about how much
// of a guess was right.
//
// Thread-safe: immutable after construction.
#ifndef HEADLINER_SERVE_ADMIN_AUTH_H_
#define HEADLINER_SERVE_ADMIN_AUTH_H_

#include <array>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"

namespace headliner {

struct ServerConfig;

class AdminAuthenticator {
 public:
  // Without a token file every call is let through (the address and the transport decide).
  // An unreadable file, or one holding fewer than kMinTokenBytes, is an error naming `key`.
  static absl::StatusOr<AdminAuthenticator> FromTokenFile(const std::string& path,
                                                          const std::string& key);

  // OK, or UNAUTHENTICATED when a token is required and the call does not carry it.
  grpc::Status Check(const grpc::ServerContextBase& context) const;

  bool requires_token() const { return digest_.has_value(); }

  static constexpr size_t kMinTokenBytes = 16;

 private:
  using Digest = std::array<unsigned char, 32>;
  explicit AdminAuthenticator(std::optional<Digest> digest) : digest_(digest) {}
  static Digest DigestOf(absl::string_view token);

  std::optional<Digest> digest_;  // of the token; none: no token required
};

// Whether `addr` ("host:port", "[v6]:port", "unix:path") can only be reached from this host.
bool IsLocalAddress(absl::string_view addr);

// The rule of server.admin_addr: an address other hosts can reach needs server.admin_token_file
// or server.tls.client_ca_file. The message names the key.
absl::Status CheckAdminExposure(const ServerConfig& config);

}  // namespace headliner

#endif  // HEADLINER_SERVE_ADMIN_AUTH_H_
