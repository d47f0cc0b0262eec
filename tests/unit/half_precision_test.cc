#include "common/half_precision.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace headliner {
namespace {

uint32_t Bits(float f) {
  uint32_t x;
  std::memcpy(&x, &f, sizeof(x));
  return x;
}

TEST(HalfPrecisionTest, KnownValues) {
  EXPECT_EQ(FloatToHalf(1.0f), 0x3c00);
  EXPECT_EQ(FloatToHalf(-2.0f), 0xc000);
  EXPECT_EQ(FloatToHalf(65504.0f), 0x7bff);                      // the largest half
  EXPECT_EQ(FloatToHalf(65519.0f), 0x7bff);                      // rounds down to it
  EXPECT_EQ(FloatToHalf(65520.0f), 0x7c00);                      // rounds up to infinity
  EXPECT_EQ(FloatToHalf(std::ldexp(1.0f, -14)), 0x0400);         // the smallest normal
  EXPECT_EQ(FloatToHalf(std::ldexp(1.0f, -24)), 0x0001);         // the smallest subnormal
  EXPECT_EQ(FloatToHalf(std::ldexp(1.0f, -25)), 0x0000);         // a tie: to even, zero
  EXPECT_EQ(FloatToHalf(std::ldexp(3.0f, -25)), 0x0002);         // a tie: to even, two units
  EXPECT_EQ(FloatToHalf(1.0f + std::ldexp(1.0f, -11)), 0x3c00);  // a tie: to even, down
  EXPECT_EQ(FloatToHalf(1.0f + std::ldexp(3.0f, -11)), 0x3c02);  // a tie: to even, up
  EXPECT_EQ(FloatToHalf(-0.0f), 0x8000);
  EXPECT_EQ(FloatToHalf(std::numeric_limits<float>::infinity()), 0x7c00);
  EXPECT_TRUE(std::isnan(HalfToFloat(FloatToHalf(std::numeric_limits<float>::quiet_NaN()))));
}

TEST(HalfPrecisionTest, EveryHalfRoundTripsExactly) {
  for (uint32_t h = 0; h <= 0xffff; ++h) {
    const uint16_t half = static_cast<uint16_t>(h);
    if ((half & 0x7c00) == 0x7c00 && (half & 0x3ff) != 0) continue;  // NaN
    ASSERT_EQ(FloatToHalf(HalfToFloat(half)), half) << h;
  }
}

TEST(HalfPrecisionTest, TheVectorPathsAgreeWithTheScalarOneBitForBit) {
  std::mt19937 rng(7);
  std::vector<float> values;
  for (int i = 0; i < 100000; ++i) {
    // Random bit patterns over the range that matters (and beyond): subnormal to overflow.
    const int exponent = static_cast<int>(rng() % 60) - 40;
    const float mantissa = std::uniform_real_distribution<float>(-2, 2)(rng);
    values.push_back(std::ldexp(mantissa, exponent));
  }
  std::vector<float> rounded = values, portable = values;
  RoundToHalf(rounded);
  RoundToHalfPortable(portable);
  std::vector<uint16_t> halves(values.size());
  FloatsToHalves(values, halves);
  std::vector<float> decoded(values.size());
  HalvesToFloats(halves, decoded);
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_EQ(Bits(rounded[i]), Bits(portable[i])) << values[i];
    ASSERT_EQ(halves[i], FloatToHalf(values[i])) << values[i];
    ASSERT_EQ(Bits(decoded[i]), Bits(rounded[i])) << values[i];
  }
}

TEST(HalfPrecisionTest, RoundingKeepsElevenSignificantBits) {
  for (float v : {0.1f, 0.333f, -7.77f, 1234.5f}) {
    const float r = HalfToFloat(FloatToHalf(v));
    EXPECT_LE(std::abs(r - v), std::abs(v) * std::ldexp(1.0f, -11)) << v;
  }
}

}  // namespace
}  // namespace headliner
