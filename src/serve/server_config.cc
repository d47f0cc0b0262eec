#include "serve/server_config.h"

#include "serve/admin_auth.h"

namespace headliner {

void DeclareServerOptions(ServerConfig& c, OptionTable& table) {
  table.In("server")
      .String("grpc_addr", c.grpc_addr, /*required=*/true)
      .Env("HEADLINER_GRPC_ADDR")
      .String("admin_addr", c.admin_addr)
      .Env("HEADLINER_ADMIN_ADDR")
      .String("admin_token_file", c.admin_token_file)
      .Env("HEADLINER_ADMIN_TOKEN_FILE")
      .String("metrics_addr", c.metrics_addr)
      .Env("HEADLINER_METRICS_ADDR")
      .Int("max_message_bytes", c.max_message_bytes, 1024, 1 << 30)
      .Int("max_concurrent_streams", c.max_concurrent_streams, 1, 1 << 20)
      .Int("memory_quota_mib", c.memory_quota_mib, 16, 1 << 20)
      .Duration("shutdown_grace", c.shutdown_grace)
      .Duration("default_deadline", c.default_deadline)
      .DurationOrZero("slow_request_log", c.slow_request_log);
  DeclareTlsOptions(c.tls, table, "server.tls");
  table.Rule([&c] { return CheckAdminExposure(c); });
}

}  // namespace headliner
