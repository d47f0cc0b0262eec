#include "cli/rpc_output.h"

#include <cstdio>

#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"

namespace headliner {

void SetDeadline(grpc::ClientContext& context, const CliOptions& options) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + options.timeout));
}

int Fail(const std::string& what, const grpc::Status& status) {
  // The likeliest cause of UNIMPLEMENTED: an Admin command sent to the public port.
  const char* hint = status.error_code() == grpc::StatusCode::UNIMPLEMENTED
                         ? " (not served at this address: Admin listens on --admin_addr, "
                           "127.0.0.1:50052 by default)"
                         : "";
  std::fprintf(stderr, "%s: %s (%d)%s\n", what.c_str(), status.error_message().c_str(),
               static_cast<int>(status.error_code()), hint);
  return 1;
}

std::string ToJson(const google::protobuf::Message& message, bool pretty) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

}  // namespace headliner
