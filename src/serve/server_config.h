// Options of the gRPC server (src/serve): the "server" section of the config.
#ifndef HEADLINER_SERVE_SERVER_CONFIG_H_
#define HEADLINER_SERVE_SERVER_CONFIG_H_

#include <string>

#include "absl/time/time.h"
#include "common/option_table.h"

namespace headliner {

struct ServerConfig {
  std::string grpc_addr = "127.0.0.1:50051";
  int max_message_bytes = 4 << 20;
  // Time given to in-flight calls after SIGTERM before they are cancelled.
  absl::Duration shutdown_grace = absl::Seconds(5);
  // Used when a request carries no deadline.
  absl::Duration default_deadline = absl::Seconds(2);
};

// Declares the keys of `config` under "server".
void DeclareServerOptions(ServerConfig& config, OptionTable& table);

}  // namespace headliner

#endif  // HEADLINER_SERVE_SERVER_CONFIG_H_
