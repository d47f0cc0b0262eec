#include "index/inner_product.h"

#include <immintrin.h>

namespace headliner {
namespace {

float InnerProductPortable(const float* a, const float* b, size_t d) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0;
  for (; i + 8 <= d; i += 8) {
    for (int j = 0; j < 8; ++j) acc[j] += a[i + j] * b[i + j];
  }
  float sum = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; i < d; ++i) sum += a[i] * b[i];
  return sum;
}

__attribute__((target("avx2,fma"))) float InnerProductAvx2(const float* a, const float* b,
                                                           size_t d) {
  __m256 acc0 = _mm256_setzero_ps();
  __m256 acc1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= d; i += 16) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
  }
  for (; i + 8 <= d; i += 8) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
  }
  const __m256 acc = _mm256_add_ps(acc0, acc1);
  __m128 sum4 = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
  sum4 = _mm_add_ps(sum4, _mm_movehl_ps(sum4, sum4));
  sum4 = _mm_add_ss(sum4, _mm_shuffle_ps(sum4, sum4, 1));
  float sum = _mm_cvtss_f32(sum4);
  for (; i < d; ++i) sum += a[i] * b[i];
  return sum;
}

using InnerProductFn = float (*)(const float*, const float*, size_t);

InnerProductFn Select() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return InnerProductAvx2;
  return InnerProductPortable;
}

// Computes inner products between one query and the stored vectors of an IndexFlatIP. FAISS's
// HNSW negates them itself for inner-product storage, so this returns plain inner products.
class FastInnerProductComputer : public faiss::FlatCodesDistanceComputer {
 public:
  explicit FastInnerProductComputer(const faiss::IndexFlatIP& storage)
      : faiss::FlatCodesDistanceComputer(storage.codes.data(), storage.code_size),
        vectors_(storage.get_xb()),
        d_(static_cast<size_t>(storage.d)) {}

  void set_query(const float* x) override { query_ = x; }
  float distance_to_code(const uint8_t* code) override {
    return InnerProduct(query_, reinterpret_cast<const float*>(code), d_);
  }
  float symmetric_dis(idx_t i, idx_t j) override {
    return InnerProduct(vectors_ + i * d_, vectors_ + j * d_, d_);
  }

 private:
  const float* vectors_;
  size_t d_;
  const float* query_ = nullptr;
};

}  // namespace

float InnerProduct(const float* a, const float* b, size_t d) {
  static const InnerProductFn kImpl = Select();  // chosen once; immutable afterwards
  return kImpl(a, b, d);
}

faiss::FlatCodesDistanceComputer* FastInnerProductStorage::get_FlatCodesDistanceComputer() const {
  return new FastInnerProductComputer(*this);  // FAISS takes ownership
}

}  // namespace headliner
