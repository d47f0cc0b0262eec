// Options of the gRPC server (src/serve): the "server" section of the config.
#ifndef HEADLINER_SERVE_SERVER_CONFIG_H_
#define HEADLINER_SERVE_SERVER_CONFIG_H_

#include <string>

#include "absl/time/time.h"
#include "common/option_table.h"
#include "serve/tls_credentials.h"

namespace headliner {

struct ServerConfig {
  std::string grpc_addr = "127.0.0.1:50051";
  // The Admin service (catalog writes, statistics) on its own address, loopback by default; an
  // address other hosts can reach needs admin_token_file or tls.client_ca_file (admin_auth.h).
  // Empty or equal to grpc_addr: Admin on grpc_addr, one port for both (under the same rule).
  std::string admin_addr = "127.0.0.1:50052";
  // A file holding the bearer token every Admin call must carry; empty: none required.
  std::string admin_token_file;

  // Where Admin listens: admin_addr, or grpc_addr when that is empty.
  const std::string& effective_admin_addr() const {
    return admin_addr.empty() ? grpc_addr : admin_addr;
  }
  // Prometheus metrics over HTTP (GET /metrics) on their own address, e.g. "0.0.0.0:9464"; empty:
  // none. Port 0 picks a free one (logged at start).
  std::string metrics_addr;
  // TLS (and mTLS) on grpc_addr and admin_addr; off by default.
  TlsConfig tls;
  // Largest request or response. The contract's largest request (GetRelated with 1000 excluded
  // ids, GetActivity with 1000 ids) is about 260 KB; a larger one is refused by the transport
  // before it is buffered, so this bounds what one call can hold.
  int max_message_bytes = 512 << 10;
  // Concurrent calls per client connection (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS).
  int max_concurrent_streams = 100;
  // gRPC's memory quota for the whole server (buffers of every connection and call): under
  // pressure it shrinks read buffers and stops accepting new calls instead of growing.
  int memory_quota_mib = 512;
  // Time given to in-flight calls after SIGTERM before they are cancelled.
  absl::Duration shutdown_grace = absl::Seconds(5);
  // Used when a request carries no deadline.
  absl::Duration default_deadline = absl::Seconds(2);
  // A GetRelated that takes at least this long is logged with the work it did (lists built,
  // candidates scored, widest list, filtered search), at most 5 lines per 10 s; 0: never.
  absl::Duration slow_request_log = absl::Milliseconds(100);
};

// Declares the keys of `config` under "server".
void DeclareServerOptions(ServerConfig& config, OptionTable& table);

}  // namespace headliner

#endif  // HEADLINER_SERVE_SERVER_CONFIG_H_
