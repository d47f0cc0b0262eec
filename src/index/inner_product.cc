#include "index/inner_product.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

namespace headliner {

void NormalizeInPlace(std::span<float> v) {
  double norm = 0;
  for (float x : v) norm += double{x} * x;
  if (norm == 0) return;
  const float inv = static_cast<float>(1.0 / std::sqrt(norm));
  for (float& x : v) x *= inv;
}
namespace {

// Eight independent accumulators: the compiler vectorises this with plain SSE2, where a single
// running sum would serialise on its dependency chain. T is float or int8_t.
template <typename T>
float InnerProductPortableT(const float* a, const T* b, size_t d) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0;
  for (; i + 8 <= d; i += 8) {
    for (int j = 0; j < 8; ++j) acc[j] += a[i + j] * static_cast<float>(b[i + j]);
  }
  float sum = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; i < d; ++i) sum += a[i] * static_cast<float>(b[i]);
  return sum;
}

__attribute__((target("avx2,fma"))) float HorizontalSum(__m256 v) {
  __m128 sum4 = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  sum4 = _mm_add_ps(sum4, _mm_movehl_ps(sum4, sum4));
  sum4 = _mm_add_ss(sum4, _mm_shuffle_ps(sum4, sum4, 1));
  return _mm_cvtss_f32(sum4);
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
  float sum = HorizontalSum(_mm256_add_ps(acc0, acc1));
  for (; i < d; ++i) sum += a[i] * b[i];
  return sum;
}

__attribute__((target("avx2,fma"))) float InnerProductInt8Avx2(const float* q, const int8_t* c,
                                                               size_t d) {
  __m256 acc0 = _mm256_setzero_ps();
  __m256 acc1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= d; i += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(c + i));
    const __m256 lo = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes));
    const __m256 hi = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(bytes, 8)));
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), lo, acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), hi, acc1);
  }
  float sum = HorizontalSum(_mm256_add_ps(acc0, acc1));
  for (; i < d; ++i) sum += q[i] * static_cast<float>(c[i]);
  return sum;
}

// Both operands int8: products are widened to int16 pairs and summed in int32 (madd), so the sum
// is exact; the decoding to float that a mixed kernel needs is gone.
__attribute__((target("avx2"))) int32_t InnerProductInt8Int8Avx2(const int8_t* a, const int8_t* b,
                                                                 size_t d) {
  __m256i acc = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + 16 <= d; i += 16) {
    const __m256i wa =
        _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)));
    const __m256i wb =
        _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i)));
    acc = _mm256_add_epi32(acc, _mm256_madd_epi16(wa, wb));
  }
  __m128i sum4 = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
  sum4 = _mm_add_epi32(sum4, _mm_shuffle_epi32(sum4, _MM_SHUFFLE(1, 0, 3, 2)));
  sum4 = _mm_add_epi32(sum4, _mm_shuffle_epi32(sum4, _MM_SHUFFLE(2, 3, 0, 1)));
  int32_t sum = _mm_cvtsi128_si32(sum4);
  for (; i < d; ++i) sum += int32_t{a[i]} * b[i];
  return sum;
}

int32_t InnerProductInt8Int8PortableImpl(const int8_t* a, const int8_t* b, size_t d) {
  int32_t sum = 0;
  for (size_t i = 0; i < d; ++i) sum += int32_t{a[i]} * b[i];
  return sum;
}

__attribute__((target("avx2,fma"))) void SkipGramStepAvx2(float g, const float* input,
                                                          float* output, float* gradient,
                                                          size_t d) {
  const __m256 scale = _mm256_set1_ps(g);
  size_t i = 0;
  for (; i + 8 <= d; i += 8) {
    const __m256 out = _mm256_loadu_ps(output + i);
    _mm256_storeu_ps(gradient + i, _mm256_fmadd_ps(scale, out, _mm256_loadu_ps(gradient + i)));
    _mm256_storeu_ps(output + i, _mm256_fmadd_ps(scale, _mm256_loadu_ps(input + i), out));
  }
  for (; i < d; ++i) {
    gradient[i] += g * output[i];
    output[i] += g * input[i];
  }
}

void SkipGramStepPortableImpl(float g, const float* __restrict input, float* __restrict output,
                              float* __restrict gradient, size_t d) {
  for (size_t i = 0; i < d; ++i) {
    gradient[i] += g * output[i];
    output[i] += g * input[i];
  }
}

using SkipGramStepFn = void (*)(float, const float*, float*, float*, size_t);
using InnerProductFn = float (*)(const float*, const float*, size_t);
using InnerProductInt8Fn = float (*)(const float*, const int8_t*, size_t);

bool HasAvx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

SkipGramStepFn SelectSkipGramStep() {
  return HasAvx2() ? SkipGramStepAvx2 : SkipGramStepPortableImpl;
}
InnerProductFn Select() { return HasAvx2() ? InnerProductAvx2 : InnerProductPortableT<float>; }
InnerProductInt8Fn SelectInt8() {
  return HasAvx2() ? InnerProductInt8Avx2 : InnerProductPortableT<int8_t>;
}
using InnerProductInt8Int8Fn = int32_t (*)(const int8_t*, const int8_t*, size_t);
InnerProductInt8Int8Fn SelectInt8Int8() {
  return HasAvx2() ? InnerProductInt8Int8Avx2 : InnerProductInt8Int8PortableImpl;
}

// Code layout of Int8InnerProductStorage: float scale, then d int8 values.
float ScaleOf(const uint8_t* code) {
  float scale;
  std::memcpy(&scale, code, sizeof(scale));
  return scale;
}
const int8_t* ValuesOf(const uint8_t* code) {
  return reinterpret_cast<const int8_t*>(code + sizeof(float));
}

class Int8InnerProductComputer : public faiss::FlatCodesDistanceComputer {
 public:
  explicit Int8InnerProductComputer(const Int8InnerProductStorage& storage)
      : faiss::FlatCodesDistanceComputer(storage.codes.data(), storage.code_size),
        d_(static_cast<size_t>(storage.d)) {}

  void set_query(const float* x) override { query_ = x; }
  float distance_to_code(const uint8_t* code) override {
    return ScaleOf(code) * InnerProductInt8(query_, ValuesOf(code), d_);
  }
  float symmetric_dis(idx_t i, idx_t j) override {
    const uint8_t* a = codes + i * code_size;
    const uint8_t* b = codes + j * code_size;
    // The graph build's distance (HNSW compares stored vectors when it links and prunes). The
    // integer sum is exact, and so is its float while |sum| < 2^24 (d < 1040), so this equals
    // the mixed kernel over the decoded codes bit for bit.
    return ScaleOf(a) * ScaleOf(b) *
           static_cast<float>(InnerProductInt8Int8(ValuesOf(a), ValuesOf(b), d_));
  }

 private:
  size_t d_;
  const float* query_ = nullptr;
};

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

namespace internal {
float InnerProductPortable(const float* a, const float* b, size_t d) {
  return InnerProductPortableT<float>(a, b, d);
}
float InnerProductInt8Portable(const float* query, const int8_t* code, size_t d) {
  return InnerProductPortableT<int8_t>(query, code, d);
}
void SkipGramStepPortable(float g, const float* input, float* output, float* gradient, size_t d) {
  SkipGramStepPortableImpl(g, input, output, gradient, d);
}
int32_t InnerProductInt8Int8Portable(const int8_t* a, const int8_t* b, size_t d) {
  return InnerProductInt8Int8PortableImpl(a, b, d);
}
}  // namespace internal

void SkipGramStep(float g, const float* input, float* output, float* gradient, size_t d) {
  static const SkipGramStepFn kImpl = SelectSkipGramStep();
  kImpl(g, input, output, gradient, d);
}

float InnerProductInt8(const float* query, const int8_t* code, size_t d) {
  static const InnerProductInt8Fn kImpl = SelectInt8();
  return kImpl(query, code, d);
}

int32_t InnerProductInt8Int8(const int8_t* a, const int8_t* b, size_t d) {
  static const InnerProductInt8Int8Fn kImpl = SelectInt8Int8();
  return kImpl(a, b, d);
}

Int8InnerProductStorage::Int8InnerProductStorage(faiss::Index::idx_t d)
    : faiss::IndexFlatCodes(static_cast<size_t>(d) + sizeof(float), d,
                            faiss::METRIC_INNER_PRODUCT) {}

void Int8InnerProductStorage::sa_encode(idx_t n, const float* x, uint8_t* bytes) const {
  for (idx_t v = 0; v < n; ++v) {
    const float* in = x + v * d;
    uint8_t* out = bytes + v * code_size;
    float max_abs = 0;
    for (idx_t i = 0; i < d; ++i) max_abs = std::max(max_abs, std::fabs(in[i]));
    const float scale = max_abs > 0 ? max_abs / 127.0f : 1.0f;
    std::memcpy(out, &scale, sizeof(scale));
    int8_t* values = reinterpret_cast<int8_t*>(out + sizeof(float));
    for (idx_t i = 0; i < d; ++i) {
      values[i] = static_cast<int8_t>(std::lround(std::clamp(in[i] / scale, -127.0f, 127.0f)));
    }
  }
}

void Int8InnerProductStorage::sa_decode(idx_t n, const uint8_t* bytes, float* x) const {
  for (idx_t v = 0; v < n; ++v) {
    const uint8_t* code = bytes + v * code_size;
    for (idx_t i = 0; i < d; ++i) x[v * d + i] = ScaleOf(code) * ValuesOf(code)[i];
  }
}

void Int8InnerProductStorage::search(idx_t n, const float* x, idx_t k, float* distances,
                                     idx_t* labels, const faiss::SearchParameters*) const {
  std::unique_ptr<faiss::FlatCodesDistanceComputer> dc(get_FlatCodesDistanceComputer());
  for (idx_t q = 0; q < n; ++q) {
    dc->set_query(x + q * d);
    std::vector<std::pair<float, idx_t>> scored;
    scored.reserve(ntotal);
    for (idx_t i = 0; i < ntotal; ++i) scored.push_back({-(*dc)(i), i});
    const idx_t kept = std::min(k, ntotal);
    std::partial_sort(scored.begin(), scored.begin() + kept, scored.end());
    for (idx_t i = 0; i < k; ++i) {
      distances[q * k + i] = i < kept ? -scored[i].first : -std::numeric_limits<float>::max();
      labels[q * k + i] = i < kept ? scored[i].second : -1;
    }
  }
}

faiss::FlatCodesDistanceComputer* Int8InnerProductStorage::get_FlatCodesDistanceComputer() const {
  return new Int8InnerProductComputer(*this);  // FAISS takes ownership
}

float InnerProduct(const float* a, const float* b, size_t d) {
  static const InnerProductFn kImpl = Select();  // chosen once; immutable afterwards
  return kImpl(a, b, d);
}

faiss::FlatCodesDistanceComputer* FastInnerProductStorage::get_FlatCodesDistanceComputer() const {
  return new FastInnerProductComputer(*this);  // FAISS takes ownership
}

}  // namespace headliner
