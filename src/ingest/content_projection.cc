#include "ingest/content_projection.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "index/inner_product.h"

namespace headliner {
namespace {

// Changing it changes where every new article's behaviour vector starts (not stored vectors).
constexpr uint64_t kProjectionSeed = 0x6865616462656876ull;

}  // namespace

ContentProjection::ContentProjection(size_t from, size_t to) : from_(from), to_(to) {
  if (from == to) return;
  matrix_.resize(to * from);
  const float scale = std::sqrt(3.0f / static_cast<float>(to));
  std::mt19937_64 rng(kProjectionSeed);
  for (float& x : matrix_) {
    // Six equally likely outcomes from the top bits: one +, one -, four zeros.
    const uint64_t r = (rng() >> 32) % 6;
    x = r == 0 ? scale : (r == 1 ? -scale : 0.0f);
  }
}

std::vector<float> ContentProjection::Project(std::span<const float> content) const {
  if (matrix_.empty()) return std::vector<float>(content.begin(), content.end());
  std::vector<float> out(to_);
  const size_t n = std::min(from_, content.size());
  for (size_t row = 0; row < to_; ++row) {
    out[row] = InnerProduct(matrix_.data() + row * from_, content.data(), n);
  }
  return out;
}

}  // namespace headliner
