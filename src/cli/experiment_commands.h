// headliner-cli experiments report [KEY]: Admin.ExperimentReport as a table, or JSON (--json).
#ifndef HEADLINER_CLI_EXPERIMENT_COMMANDS_H_
#define HEADLINER_CLI_EXPERIMENT_COMMANDS_H_

#include <memory>
#include <string>

#include "cli/cli_commands.h"
#include "grpcpp/channel.h"

namespace headliner {

int RunExperimentsReport(const std::shared_ptr<grpc::Channel>& channel, const CliOptions& options,
                         const std::string& experiment);

}  // namespace headliner

#endif  // HEADLINER_CLI_EXPERIMENT_COMMANDS_H_
