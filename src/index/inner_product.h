// A fast float inner product, and a FAISS flat storage that uses it.
//
// Why: Debian's FAISS 1.7.3 is built for baseline x86-64, where its distance kernels fall back to
// `fvec_inner_product_ref`, a scalar loop with one dependent accumulator. Profiling the ranker
// showed 58% of its time there. This kernel picks AVX2+FMA at run time when the CPU has them and
// otherwise uses eight independent accumulators, which the compiler vectorises with SSE2.
#ifndef HEADLINER_INDEX_INNER_PRODUCT_H_
#define HEADLINER_INDEX_INNER_PRODUCT_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "faiss/IndexFlat.h"
#include "faiss/IndexFlatCodes.h"

namespace headliner {

// Sum of a[i] * b[i] for i < d.
float InnerProduct(const float* a, const float* b, size_t d);

// The same over the common length of two vectors.
inline float InnerProduct(std::span<const float> a, std::span<const float> b) {
  return InnerProduct(a.data(), b.data(), std::min(a.size(), b.size()));
}

// One step of skip-gram training for a (centre, context) pair: for each i < d,
// gradient[i] += g * output[i] with output[i] as it was, then output[i] += g * input[i]. The three
// arrays must not overlap. AVX2+FMA when the CPU has them, like InnerProduct; the result is the
// same on every run on one machine.
void SkipGramStep(float g, const float* input, float* output, float* gradient, size_t d);

// Scales `v` to unit L2 norm (the norm summed in double, so the result is the same wherever it
// is computed); leaves an all-zero vector as it is.
void NormalizeInPlace(std::span<float> v);

// IndexFlatIP whose distance computer (used by HNSW for building and searching) calls
// InnerProduct instead of FAISS's scalar kernel. Storage and results are unchanged.
struct FastInnerProductStorage : faiss::IndexFlatIP {
  explicit FastInnerProductStorage(faiss::Index::idx_t d) : faiss::IndexFlatIP(d) {}
  faiss::FlatCodesDistanceComputer* get_FlatCodesDistanceComputer() const override;
};

// Sum of query[i] * code[i] for i < d, with int8 codes.
float InnerProductInt8(const float* query, const int8_t* code, size_t d);

// Sum of a[i] * b[i] for i < d over two int8 code arrays, exact in int32 (for d < 133,000).
int32_t InnerProductInt8Int8(const int8_t* a, const int8_t* b, size_t d);

namespace internal {
// The kernels used when the CPU lacks AVX2 or FMA, exposed so that tests cover them on any CPU.
float InnerProductPortable(const float* a, const float* b, size_t d);
float InnerProductInt8Portable(const float* query, const int8_t* code, size_t d);
int32_t InnerProductInt8Int8Portable(const int8_t* a, const int8_t* b, size_t d);
void SkipGramStepPortable(float g, const float* input, float* output, float* gradient, size_t d);
}  // namespace internal

// Flat storage of 8-bit scalar-quantised vectors: per vector a float scale (max |x_i| / 127) and
// d int8 codes, a quarter of the float32 size. HNSW search over a million vectors is bound by
// fetching vectors from memory, so this is what makes it fast; the error it adds to an inner
// product of unit vectors is about 1e-3. Reconstruction returns the dequantised vector.
struct Int8InnerProductStorage : faiss::IndexFlatCodes {
  explicit Int8InnerProductStorage(faiss::Index::idx_t d);
  void sa_encode(idx_t n, const float* x, uint8_t* bytes) const override;
  void sa_decode(idx_t n, const uint8_t* bytes, float* x) const override;
  // Exact scan over the quantised vectors (HNSW does not call it; faiss::Index requires it).
  void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
              const faiss::SearchParameters* params = nullptr) const override;
  faiss::FlatCodesDistanceComputer* get_FlatCodesDistanceComputer() const override;
};

}  // namespace headliner

#endif  // HEADLINER_INDEX_INNER_PRODUCT_H_
