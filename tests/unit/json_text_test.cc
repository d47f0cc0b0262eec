#include "common/json_text.h"

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace headliner {
namespace {

// Parses `quoted` as the value of a JSON object and returns the string it holds.
std::string ParsedBack(const std::string& quoted) {
  google::protobuf::Struct s;
  const auto status = google::protobuf::util::JsonStringToMessage("{\"v\":" + quoted + "}", &s);
  EXPECT_TRUE(status.ok()) << quoted << ": " << status.ToString();
  return s.fields().at("v").string_value();
}

TEST(JsonQuoteTest, EscapesWhatJsonRequiresAndNothingElse) {
  EXPECT_EQ(JsonQuote("plain"), "\"plain\"");
  EXPECT_EQ(JsonQuote("it's"), "\"it's\"");  // no \' (not a JSON escape)
  EXPECT_EQ(JsonQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonQuote("line\nnext\t\x01"), "\"line\\nnext\\t\\u0001\"");
  EXPECT_EQ(ParsedBack(JsonQuote("it's \"quoted\"\n")), "it's \"quoted\"\n");
}

TEST(JsonQuoteTest, KeepsUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(ParsedBack(JsonQuote("Zürich – 東京")), "Zürich – 東京");
  const std::string bad = "a\xff\xc3(b\xed\xa0\x80";  // stray byte, broken pair, a surrogate
  const std::string quoted = JsonQuote(bad);
  EXPECT_EQ(ParsedBack(quoted), "a\xEF\xBF\xBD\xEF\xBF\xBD(b\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace headliner
