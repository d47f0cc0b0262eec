// What every RPC command of headliner-cli shares: its deadline, how a failed call is reported,
// and JSON output of a response.
#ifndef HEADLINER_CLI_RPC_OUTPUT_H_
#define HEADLINER_CLI_RPC_OUTPUT_H_

#include <string>

#include "cli/cli_commands.h"
#include "google/protobuf/message.h"
#include "grpcpp/client_context.h"

namespace headliner {

// The call's deadline: now plus --timeout_s.
void SetDeadline(grpc::ClientContext& context, const CliOptions& options);
// Prints "<what>: <message> (<code>)" to stderr; returns the exit code 1.
int Fail(const std::string& what, const grpc::Status& status);
// `message` as JSON with the proto field names.
std::string ToJson(const google::protobuf::Message& message, bool pretty);

}  // namespace headliner

#endif  // HEADLINER_CLI_RPC_OUTPUT_H_
