#include "main/library_logs.h"

#include <cstdio>
#include <string>

#include "common/log_limiter.h"
#include "google/protobuf/stubs/logging.h"
#include "grpc/support/log.h"

namespace headliner {
namespace {

// The one limiter of the process: the libraries' hooks are plain function pointers, so it cannot
// be passed to them. main stops every library thread before it returns.
LogLimiter& LibraryLogLimiter() {
  static LogLimiter limiter(20, absl::Seconds(10));
  return limiter;
}

void Write(const char* library, const char* level, const char* file, int line,
           const char* message) {
  uint64_t dropped = 0;
  if (!LibraryLogLimiter().Admit(absl::Now(), &dropped)) return;
  if (dropped > 0) {
    std::fprintf(stderr, "(%llu library log lines dropped by the rate limit)\n",
                 static_cast<unsigned long long>(dropped));
  }
  std::fprintf(stderr, "%s %s %s:%d: %s\n", library, level, file, line, message);
}

void ProtobufLog(google::protobuf::LogLevel level, const char* file, int line,
                 const std::string& message) {
  static constexpr const char* kLevels[] = {"INFO", "WARNING", "ERROR", "FATAL"};
  Write("protobuf", kLevels[level < 0 || level > 3 ? 2 : level], file, line, message.c_str());
}

void GrpcLog(gpr_log_func_args* args) {
  Write("grpc", gpr_log_severity_string(args->severity), args->file, args->line, args->message);
}

}  // namespace

void InstallRateLimitedLibraryLogs() {
  google::protobuf::SetLogHandler(&ProtobufLog);
  gpr_set_log_function(&GrpcLog);
}

}  // namespace headliner
