// Log lines: one per event worth an operator's attention (start, stop, a reload, an error, a
// rejected event, a slow request), each with a level and the component reporting it. Text by
// default:
//   2026-12-01T11:41:04.123Z INFO kafka: caught up: 3000 articles applied in 1.2 s
// or one JSON object per line for log collectors (logging.format: json):
//   {"ts":"2026-12-01T11:41:04.123Z","level":"info","component":"kafka","msg":"caught up: ..."}
// Lines below logging.level are dropped. Requests are not logged at the default level (only
// slow ones, rate-limited, by the serving layer).
//
// The sink's settings are process-wide, like stderr itself: main sets them once from the config
// (ConfigureLogging) before it starts serving; until then lines are text at INFO. Writing is
// thread-safe: each line is one write(2) of a whole line.
#ifndef HEADLINER_COMMON_LOG_H_
#define HEADLINER_COMMON_LOG_H_

#include <string>

#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "common/option_table.h"

namespace headliner {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };
enum class LogFormat { kText, kJson };

// The "logging" section of the config.
struct LoggingConfig {
  LogLevel level = LogLevel::kInfo;
  LogFormat format = LogFormat::kText;
};

void DeclareLoggingOptions(LoggingConfig& config, OptionTable& table);

// Sets the level and format of every line written after it.
void ConfigureLogging(const LoggingConfig& config);

// Writes one line (a message with line breaks is kept on one line).
void Log(LogLevel level, absl::string_view component, absl::string_view message);

// The line as Log would write it at `now_micros` (for tests).
std::string FormatLogLine(LogFormat format, LogLevel level, absl::string_view component,
                          absl::string_view message, int64_t now_micros);

template <typename... Args>
void LogInfo(absl::string_view component, const absl::FormatSpec<Args...>& format,
             const Args&... args) {
  Log(LogLevel::kInfo, component, absl::StrFormat(format, args...));
}
template <typename... Args>
void LogWarning(absl::string_view component, const absl::FormatSpec<Args...>& format,
                const Args&... args) {
  Log(LogLevel::kWarning, component, absl::StrFormat(format, args...));
}
template <typename... Args>
void LogError(absl::string_view component, const absl::FormatSpec<Args...>& format,
              const Args&... args) {
  Log(LogLevel::kError, component, absl::StrFormat(format, args...));
}

}  // namespace headliner

#endif  // HEADLINER_COMMON_LOG_H_
