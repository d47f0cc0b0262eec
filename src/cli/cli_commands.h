// The headliner-cli subcommands. Each returns the process exit code: 0 success, 1 failure,
// 2 bad usage.
#ifndef HEADLINER_CLI_CLI_COMMANDS_H_
#define HEADLINER_CLI_CLI_COMMANDS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/channel.h"

namespace headliner {

struct CliOptions {
  std::string addr;
  absl::Duration timeout = absl::Seconds(10);
  bool json = false;
  int limit = 0;
  bool explain = false;
  std::vector<std::string> sections;
  std::vector<std::string> languages;
  std::string user_id;
  std::string session_id;
  std::string force_variant;  // "experiment:variant"
};

int RunRelated(const std::shared_ptr<grpc::Channel>& channel, const CliOptions& options,
               const std::string& article_id);
int RunLoad(const std::shared_ptr<grpc::Channel>& channel, const CliOptions& options,
            const std::string& path);
int RunGet(const std::shared_ptr<grpc::Channel>& channel, const CliOptions& options,
           const std::string& article_id);
int RunDelete(const std::shared_ptr<grpc::Channel>& channel, const CliOptions& options,
              const std::string& article_id);
int RunStats(const std::shared_ptr<grpc::Channel>& channel, const CliOptions& options);
// grpc.health.v1 Check of `service` ("" for the server as a whole): prints SERVING and returns 0,
// or NOT_SERVING (or the error) and returns 1. A probe for pods whose port needs TLS, which the
// kubelet's own gRPC probe cannot speak.
int RunHealth(const std::shared_ptr<grpc::Channel>& channel, const CliOptions& options,
              const std::string& service);
// Asks the server for a checkpoint in `dir`, a path on the server's file system.
int RunCheckpoint(const std::shared_ptr<grpc::Channel>& channel, const CliOptions& options,
                  const std::string& dir);
// Prints click counts and popularity of articles (and sections given with --sections) as JSON;
// popularity is decayed to `as_of` when set.
int RunActivity(const std::shared_ptr<grpc::Channel>& channel, const CliOptions& options,
                const std::vector<std::string>& article_ids, std::optional<absl::Time> as_of);
// Writes a synthetic catalog (src/sample) as JSON lines to stdout; needs no server.
int RunSample(int articles, uint64_t seed, absl::Duration span);

}  // namespace headliner

#endif  // HEADLINER_CLI_CLI_COMMANDS_H_
