// Transport security of the gRPC port: the server's certificate and key, and optionally the CA
// its clients' certificates must be signed by (mTLS). gRPC's file-watcher provider re-reads the
// files every `reload_interval`, so a certificate rotated in place (cert-manager's Secret volume)
// is served to new connections without a restart; until the next good read the previous pair
// stays in use.
#ifndef HEADLINER_SERVE_TLS_CREDENTIALS_H_
#define HEADLINER_SERVE_TLS_CREDENTIALS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/option_table.h"
#include "grpcpp/security/server_credentials.h"

namespace headliner {

// The "server.tls" section.
struct TlsConfig {
  // PEM files. Empty cert_file: plaintext. cert_file and key_file go together.
  std::string cert_file;
  std::string key_file;
  // With a CA, every client must present a certificate it signed (mTLS); empty: any client.
  std::string client_ca_file;
  absl::Duration reload_interval = absl::Seconds(10);

  bool enabled() const { return !cert_file.empty(); }
};

// Declares the keys of `config` under `section` (e.g. "server.tls").
void DeclareTlsOptions(TlsConfig& config, OptionTable& table, const std::string& section);

// Checks the files once at start, with a message that names the key: each must be readable PEM,
// and the key must be the certificate's. Then returns credentials that keep watching them.
// Plaintext credentials when TLS is off.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsConfig& config, const std::string& section);

}  // namespace headliner

#endif  // HEADLINER_SERVE_TLS_CREDENTIALS_H_
