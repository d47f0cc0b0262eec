#include "common/half_precision.h"

#include <cpuid.h>
#include <immintrin.h>

#include <cmath>
#include <cstring>

namespace headliner {
namespace {

constexpr uint32_t kFloatInfinity = 0x7f800000;
// The smallest float that rounds to infinity as a half: 65520 = 65504 + half an ulp.
constexpr uint32_t kHalfOverflow = 0x477ff000;
// 2^-14, the smallest normal half.
constexpr uint32_t kHalfMinNormal = 0x38800000;

uint32_t Bits(float f) {
  uint32_t x;
  std::memcpy(&x, &f, sizeof(x));
  return x;
}

float FromBits(uint32_t x) {
  float f;
  std::memcpy(&f, &x, sizeof(f));
  return f;
}

// F16C from CPUID leaf 1 (ECX bit 29): clang 14's __builtin_cpu_supports does not know "f16c".
// AVX says the OS saves the YMM registers.
bool HasF16c() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return false;
  return (ecx & bit_F16C) != 0 && __builtin_cpu_supports("avx");
}

__attribute__((target("avx,f16c"))) void FloatsToHalvesF16c(const float* in, uint16_t* out,
                                                            size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), h);
  }
  for (; i < n; ++i) out[i] = FloatToHalf(in[i]);
}

__attribute__((target("avx,f16c"))) void HalvesToFloatsF16c(const uint16_t* in, float* out,
                                                            size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(h));
  }
  for (; i < n; ++i) out[i] = HalfToFloat(in[i]);
}

__attribute__((target("avx,f16c"))) void RoundToHalfF16c(float* values, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(values + i), _MM_FROUND_TO_NEAREST_INT);
    _mm256_storeu_ps(values + i, _mm256_cvtph_ps(h));
  }
  for (; i < n; ++i) values[i] = HalfToFloat(FloatToHalf(values[i]));
}

}  // namespace

uint16_t FloatToHalf(float value) {
  const uint32_t x = Bits(value);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000);
  const uint32_t magnitude = x & 0x7fffffff;
  if (magnitude > kFloatInfinity) {  // NaN: quiet, keeping the top payload bits
    return static_cast<uint16_t>(sign | 0x7e00 | ((magnitude >> 13) & 0x3ff));
  }
  if (magnitude >= kHalfOverflow) return static_cast<uint16_t>(sign | 0x7c00);  // infinity
  if (magnitude < kHalfMinNormal) {
    // Subnormal: a multiple of 2^-24. The scaling is exact, and nearbyint rounds to nearest even.
    const float units = std::nearbyint(FromBits(magnitude) * 16777216.0f);
    return static_cast<uint16_t>(sign | static_cast<uint16_t>(units));
  }
  // Normal: rebias the exponent (127 -> 15) and round the 23-bit mantissa to 10, ties to even.
  const uint32_t rebiased = magnitude - (uint32_t{112} << 23);
  const uint32_t rounded = (rebiased + 0xfff + ((rebiased >> 13) & 1)) >> 13;
  return static_cast<uint16_t>(sign | rounded);
}

float HalfToFloat(uint16_t half) {
  const uint32_t sign = static_cast<uint32_t>(half & 0x8000) << 16;
  const uint32_t exponent = (half >> 10) & 0x1f;
  const uint32_t mantissa = half & 0x3ff;
  if (exponent == 0) {  // zero or subnormal: mantissa * 2^-24, exact in float
    const float magnitude = static_cast<float>(mantissa) / 16777216.0f;
    return FromBits(Bits(magnitude) | sign);
  }
  if (exponent == 31) return FromBits(sign | kFloatInfinity | (mantissa << 13));
  return FromBits(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

void RoundToHalf(std::span<float> values) {
  static const bool kF16c = HasF16c();
  if (kF16c) {
    RoundToHalfF16c(values.data(), values.size());
  } else {
    RoundToHalfPortable(values);
  }
}

void RoundToHalfPortable(std::span<float> values) {
  for (float& v : values) v = HalfToFloat(FloatToHalf(v));
}

void FloatsToHalves(std::span<const float> values, std::span<uint16_t> half) {
  static const bool kF16c = HasF16c();
  if (kF16c) {
    FloatsToHalvesF16c(values.data(), half.data(), values.size());
    return;
  }
  for (size_t i = 0; i < values.size(); ++i) half[i] = FloatToHalf(values[i]);
}

void HalvesToFloats(std::span<const uint16_t> half, std::span<float> values) {
  static const bool kF16c = HasF16c();
  if (kF16c) {
    HalvesToFloatsF16c(half.data(), values.data(), half.size());
    return;
  }
  for (size_t i = 0; i < half.size(); ++i) values[i] = HalfToFloat(half[i]);
}

}  // namespace headliner
