#include "common/log.h"

#include "gtest/gtest.h"

namespace headliner {
namespace {

constexpr int64_t kMicros = 1796124606123456;  // 2026-12-01T11:30:06.123456Z

TEST(LogTest, TextLinesCarryTimeLevelAndComponentOnOneLine) {
  EXPECT_EQ(FormatLogLine(LogFormat::kText, LogLevel::kWarning, "kafka", "broker down\nretrying",
                          kMicros),
            "2026-12-01T11:30:06.123Z WARNING kafka: broker down retrying\n");
}

TEST(LogTest, JsonLinesAreOneEscapedObject) {
  EXPECT_EQ(
      FormatLogLine(LogFormat::kJson, LogLevel::kError, "serve", "bad \"id\"\\\n\t\x01", kMicros),
      "{\"ts\":\"2026-12-01T11:30:06.123Z\",\"level\":\"error\",\"component\":\"serve\","
      "\"msg\":\"bad \\\"id\\\"\\\\\\n\\t\\u0001\"}\n");
}

TEST(LogTest, JsonLinesStayValidWithBytesThatAreNotUtf8) {
  // An id from a malformed event, logged as is, must not make the line unparseable.
  EXPECT_EQ(FormatLogLine(LogFormat::kJson, LogLevel::kWarning, "kafka", "id \xff\xfe é", kMicros),
            "{\"ts\":\"2026-12-01T11:30:06.123Z\",\"level\":\"warning\",\"component\":\"kafka\","
            "\"msg\":\"id \\ufffd\\ufffd é\"}\n");
}

TEST(LogTest, LinesBelowTheLevelAreDropped) {
  ConfigureLogging({LogLevel::kWarning, LogFormat::kJson});
  ::testing::internal::CaptureStderr();
  LogInfo("test", "hidden %d", 1);
  LogWarning("test", "shown %d", 2);
  const std::string out = ::testing::internal::GetCapturedStderr();
  ConfigureLogging({});
  EXPECT_EQ(out.find("hidden"), std::string::npos) << out;
  EXPECT_NE(out.find("\"level\":\"warning\",\"component\":\"test\",\"msg\":\"shown 2\""),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace headliner
