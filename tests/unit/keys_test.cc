#include "store/keys.h"

#include "gtest/gtest.h"

namespace headliner {
namespace {

TEST(KeysTest, U64RoundTripAndOrder) {
  EXPECT_EQ(DecodeU64(EncodeU64(0x0102030405060708ULL)), 0x0102030405060708ULL);
  EXPECT_LT(EncodeU64(255), EncodeU64(256));  // bytewise order is numeric order
  EXPECT_FALSE(DecodeU64("short").has_value());
}

TEST(KeysTest, U64PairsRoundTripAndOtherSizesAreRefused) {
  EXPECT_EQ(DecodeU64Pair(EncodeU64Pair(3, ~uint64_t{0})),
            std::make_optional(std::pair<uint64_t, uint64_t>(3, ~uint64_t{0})));
  EXPECT_FALSE(DecodeU64Pair(EncodeU64(3)).has_value());
  EXPECT_FALSE(DecodeU64Pair(EncodeU64Pair(1, 2) + "x").has_value());
}

TEST(KeysTest, TimeKeysSortChronologicallyIncludingNegative) {
  EXPECT_LT(EncodeTimeKey(-5, 1), EncodeTimeKey(3, 0));
  EXPECT_LT(EncodeTimeKey(3, 0), EncodeTimeKey(3, 1));
  int64_t micros = 0;
  uint64_t id = 0;
  ASSERT_TRUE(DecodeTimeKey(EncodeTimeKey(-42, 7), micros, id));
  EXPECT_EQ(micros, -42);
  EXPECT_EQ(id, 7u);
}

TEST(KeysTest, FloatsRoundTrip) {
  std::vector<float> v = {1.5f, -2.0f, 0.0f};
  EXPECT_EQ(DecodeFloats(EncodeFloats(v)), v);
  EXPECT_FALSE(DecodeFloats("abc").has_value());
}

}  // namespace
}  // namespace headliner
