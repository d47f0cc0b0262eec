#include "common/log.h"

#include <unistd.h>

#include <atomic>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/json_text.h"

namespace headliner {
namespace {

// The sink's settings (see log.h): written by ConfigureLogging, read by every Log.
std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<bool> g_json{false};

const char* LevelName(LogLevel level, bool lower) {
  switch (level) {
    case LogLevel::kDebug:
      return lower ? "debug" : "DEBUG";
    case LogLevel::kInfo:
      return lower ? "info" : "INFO";
    case LogLevel::kWarning:
      return lower ? "warning" : "WARNING";
    case LogLevel::kError:
      return lower ? "error" : "ERROR";
  }
  return "?";
}

// A text line stays one line: line breaks become spaces.
std::string OneLine(absl::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

}  // namespace

void DeclareLoggingOptions(LoggingConfig& c, OptionTable& table) {
  static constexpr std::pair<absl::string_view, LogLevel> kLevels[] = {
      {"debug", LogLevel::kDebug},
      {"info", LogLevel::kInfo},
      {"warning", LogLevel::kWarning},
      {"error", LogLevel::kError}};
  static constexpr std::pair<absl::string_view, LogFormat> kFormats[] = {
      {"text", LogFormat::kText}, {"json", LogFormat::kJson}};
  table.In("logging")
      .Enum<LogLevel>("level", c.level, kLevels)
      .Env("HEADLINER_LOG_LEVEL")
      .Enum<LogFormat>("format", c.format, kFormats)
      .Env("HEADLINER_LOG_FORMAT");
}

void ConfigureLogging(const LoggingConfig& config) {
  g_level.store(static_cast<int>(config.level), std::memory_order_relaxed);
  g_json.store(config.format == LogFormat::kJson, std::memory_order_relaxed);
}

std::string FormatLogLine(LogFormat format, LogLevel level, absl::string_view component,
                          absl::string_view message, int64_t now_micros) {
  const std::string ts = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMicros(now_micros),
                                          absl::UTCTimeZone());
  if (format == LogFormat::kJson) {
    // JsonQuote: a message holding bytes that are not UTF-8 (an id from a bad event) still
    // makes a line that parses.
    return absl::StrCat("{\"ts\":\"", ts, "\",\"level\":\"", LevelName(level, true),
                        "\",\"component\":", JsonQuote(component), ",\"msg\":", JsonQuote(message),
                        "}\n");
  }
  return absl::StrCat(ts, " ", LevelName(level, false), " ", component, ": ", OneLine(message),
                      "\n");
}

void Log(LogLevel level, absl::string_view component, absl::string_view message) {
  if (static_cast<int>(level) < g_level.load(std::memory_order_relaxed)) return;
  const LogFormat format =
      g_json.load(std::memory_order_relaxed) ? LogFormat::kJson : LogFormat::kText;
  const std::string line =
      FormatLogLine(format, level, component, message, absl::ToUnixMicros(absl::Now()));
  // One write per line, so lines of concurrent threads do not interleave (stderr is unbuffered,
  // and fprintf may split a long line into several writes).
  size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = write(STDERR_FILENO, line.data() + written, line.size() - written);
    if (n <= 0) return;
    written += static_cast<size_t>(n);
  }
}

}  // namespace headliner
