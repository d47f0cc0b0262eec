#include "main/library_logs.h"

#include <string>

#include "absl/strings/str_format.h"
#include "common/log.h"
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

void Write(const char* library, LogLevel level, const char* file, int line, const char* message) {
  uint64_t dropped = 0;
  if (!LibraryLogLimiter().Admit(absl::Now(), &dropped)) return;
  if (dropped > 0) {
    LogWarning(library, "(%llu library log lines dropped by the rate limit)",
               static_cast<unsigned long long>(dropped));
  }
  Log(level, library, absl::StrFormat("%s:%d: %s", file, line, message));
}

void ProtobufLog(google::protobuf::LogLevel level, const char* file, int line,
                 const std::string& message) {
  static constexpr LogLevel kLevels[] = {LogLevel::kInfo, LogLevel::kWarning, LogLevel::kError,
                                         LogLevel::kError};
  Write("protobuf", kLevels[level < 0 || level > 3 ? 2 : level], file, line, message.c_str());
}

void GrpcLog(gpr_log_func_args* args) {
  const LogLevel level = args->severity == GPR_LOG_SEVERITY_ERROR   ? LogLevel::kError
                         : args->severity == GPR_LOG_SEVERITY_INFO  ? LogLevel::kInfo
                         : args->severity == GPR_LOG_SEVERITY_DEBUG ? LogLevel::kDebug
                                                                    : LogLevel::kWarning;
  Write("grpc", level, args->file, args->line, args->message);
}

}  // namespace

void InstallRateLimitedLibraryLogs() {
  google::protobuf::SetLogHandler(&ProtobufLog);
  gpr_set_log_function(&GrpcLog);
}

}  // namespace headliner
