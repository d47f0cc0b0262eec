// IEEE 754 half precision (binary16) for vectors stored compactly: conversion with round to
// nearest even, the rounding that F16C's VCVTPS2PH does, so the hardware path (used when the CPU
// has F16C) and the portable one give the same bits.
//
// Half precision keeps 11 significant bits (relative error at most 2^-11) over about 6e-8 to
// 65504; larger magnitudes become infinity.
#ifndef HEADLINER_COMMON_HALF_PRECISION_H_
#define HEADLINER_COMMON_HALF_PRECISION_H_

#include <cstdint>
#include <span>

namespace headliner {

uint16_t FloatToHalf(float value);
float HalfToFloat(uint16_t half);

// Each value replaced by the nearest half-precision value: storing them as half is then exact.
void RoundToHalf(std::span<float> values);
// `half.size()` must equal `values.size()`.
void FloatsToHalves(std::span<const float> values, std::span<uint16_t> half);
void HalvesToFloats(std::span<const uint16_t> half, std::span<float> values);

// The same without F16C, whatever the CPU (for tests).
void RoundToHalfPortable(std::span<float> values);

}  // namespace headliner

#endif  // HEADLINER_COMMON_HALF_PRECISION_H_
