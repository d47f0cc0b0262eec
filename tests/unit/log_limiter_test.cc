#include "common/log_limiter.h"

#include "gtest/gtest.h"

namespace headliner {
namespace {

TEST(LogLimiterTest, AdmitsAFewLinesPerWindowAndReportsWhatItDropped) {
  LogLimiter limiter(3, absl::Seconds(10));
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  uint64_t dropped = 99;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limiter.Admit(t0 + absl::Seconds(i), &dropped));
    EXPECT_EQ(dropped, 0u);
  }
  for (int i = 0; i < 5000; ++i) EXPECT_FALSE(limiter.Admit(t0 + absl::Seconds(5)));
  EXPECT_EQ(limiter.dropped_total(), 5000u);
  // The next window admits again, and its first line learns about the 5000.
  EXPECT_TRUE(limiter.Admit(t0 + absl::Seconds(10), &dropped));
  EXPECT_EQ(dropped, 5000u);
  EXPECT_TRUE(limiter.Admit(t0 + absl::Seconds(11), &dropped));
  EXPECT_EQ(dropped, 0u);
}

}  // namespace
}  // namespace headliner
