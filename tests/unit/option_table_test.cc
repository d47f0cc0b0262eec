#include "common/option_table.h"

#include "gtest/gtest.h"

namespace headliner {
namespace {

enum class Color { kRed, kBlue };
constexpr std::pair<absl::string_view, Color> kColors[] = {{"red", Color::kRed},
                                                           {"blue", Color::kBlue}};

struct Options {
  int count = 3;
  double ratio = 0.5;
  bool on = false;
  absl::Duration wait = absl::Seconds(1);
  std::string name = "x";
  Color color = Color::kRed;
  std::map<std::string, std::string> extra;
};

void Declare(Options& o, OptionTable& table) {
  table.In("s")
      .Int("count", o.count, 1, 10)
      .Env("TEST_COUNT")
      .Double("ratio", o.ratio, 0, 1)
      .Bool("on", o.on)
      .Duration("wait", o.wait)
      .String("name", o.name, /*required=*/true)
      .Enum<Color>("color", o.color, kColors)
      .StringMap("extra", o.extra)
      .Env("TEST_EXTRA_");
  table.Rule([&o] {
    if (o.count < 5 || o.on) return absl::OkStatus();
    return absl::InvalidArgumentError("s.count: above 4 needs s.on");
  });
}

absl::Status Parse(OptionTable& table, absl::string_view key, absl::string_view text) {
  const Option* o = table.Find(key);
  EXPECT_NE(o, nullptr) << key;
  return o->value->Parse(text);
}

TEST(OptionTableTest, DefaultsComeFromTheStructAndAreValid) {
  Options o;
  OptionTable table;
  Declare(o, table);
  EXPECT_TRUE(table.Validate().ok());
  EXPECT_EQ(table.options().size(), 7u);
  EXPECT_EQ(table.Find("s.count")->env, "TEST_COUNT");
  EXPECT_EQ(table.Find("s.extra")->string_map, &o.extra);
  EXPECT_TRUE(table.IsSection("s"));
  EXPECT_FALSE(table.IsSection("s.count"));
  EXPECT_EQ(table.Find("count"), nullptr);
}

TEST(OptionTableTest, ParsesEachKind) {
  Options o;
  OptionTable table;
  Declare(o, table);
  ASSERT_TRUE(Parse(table, "s.count", "7").ok());
  ASSERT_TRUE(Parse(table, "s.ratio", "0.25").ok());
  ASSERT_TRUE(Parse(table, "s.on", "yes").ok());
  ASSERT_TRUE(Parse(table, "s.wait", "1h30m").ok());
  ASSERT_TRUE(Parse(table, "s.name", "y").ok());
  ASSERT_TRUE(Parse(table, "s.color", "blue").ok());
  EXPECT_EQ(o.count, 7);
  EXPECT_EQ(o.ratio, 0.25);
  EXPECT_TRUE(o.on);
  EXPECT_EQ(o.wait, absl::Minutes(90));
  EXPECT_EQ(o.name, "y");
  EXPECT_EQ(o.color, Color::kBlue);
  EXPECT_TRUE(table.Validate().ok());
}

TEST(OptionTableTest, BadTextSaysWhy) {
  Options o;
  OptionTable table;
  Declare(o, table);
  EXPECT_NE(Parse(table, "s.count", "ten").message().find("not an integer"),
            absl::string_view::npos);
  EXPECT_NE(Parse(table, "s.on", "maybe").message().find("not true or false"),
            absl::string_view::npos);
  EXPECT_NE(Parse(table, "s.wait", "soon").message().find("not a duration"),
            absl::string_view::npos);
  EXPECT_EQ(Parse(table, "s.color", "green").message(), "must be one of red, blue; got \"green\"");
}

TEST(OptionTableTest, ValidationNamesTheFirstBadKeyThenRunsTheRules) {
  Options o;
  OptionTable table;
  Declare(o, table);
  o.count = 11;
  EXPECT_EQ(table.Validate().message(), "s.count: must be in [1, 10], got 11");
  o.count = 5;
  o.wait = absl::ZeroDuration();
  EXPECT_EQ(table.Validate().message(), "s.wait: must be a positive duration, got 0");
  o.wait = absl::Seconds(1);
  o.name = "";
  EXPECT_EQ(table.Validate().message(), "s.name: must not be empty");
  o.name = "n";
  EXPECT_EQ(table.Validate().message(), "s.count: above 4 needs s.on");
  o.on = true;
  EXPECT_TRUE(table.Validate().ok());
}

}  // namespace
}  // namespace headliner

namespace headliner {
namespace {

TEST(OptionTableTest, ADurationOrZeroTakesZeroButNotLess) {
  absl::Duration age = absl::Seconds(30);
  OptionTable table;
  table.In("s").DurationOrZero("age", age);
  age = absl::ZeroDuration();
  EXPECT_TRUE(table.Validate().ok());
  age = -absl::Seconds(1);
  EXPECT_EQ(table.Validate().message(), "s.age: must be a non-negative duration, got -1s");
}

}  // namespace
}  // namespace headliner
