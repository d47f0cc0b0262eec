#include "index/inner_product.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <set>
#include <vector>

#include "faiss/IndexHNSW.h"
#include "gtest/gtest.h"

namespace headliner {
namespace {

std::vector<float> Random(std::mt19937& rng, size_t n) {
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<float> v(n);
  for (float& x : v) x = u(rng);
  return v;
}

TEST(InnerProductTest, MatchesDoublePrecisionSumForEveryLength) {
  std::mt19937 rng(1);
  for (size_t d : {0, 1, 7, 8, 15, 16, 17, 64, 255, 256, 1000}) {
    auto a = Random(rng, d), b = Random(rng, d);
    double expected = 0;
    for (size_t i = 0; i < d; ++i) expected += double{a[i]} * b[i];
    EXPECT_NEAR(InnerProduct(a.data(), b.data(), d), expected, 1e-4) << "d=" << d;
    EXPECT_NEAR(internal::InnerProductPortable(a.data(), b.data(), d), expected, 1e-4) << d;
  }
}

std::vector<float> RandomUnit(std::mt19937& rng, size_t n) {
  std::vector<float> v = Random(rng, n);
  float norm = 0;
  for (float x : v) norm += x * x;
  for (float& x : v) x /= std::sqrt(norm);
  return v;
}

// HNSW over the fast storage scores by inner product (not negated, not L2) and finds the exact
// nearest neighbours of normalised vectors as well as HNSW over FAISS's own storage does.
TEST(InnerProductTest, SkipGramStepUsesTheOutputBeforeItsUpdateForEveryLength) {
  std::mt19937 rng(2);
  for (size_t d : {0, 1, 7, 8, 9, 16, 255, 256}) {
    const std::vector<float> input = Random(rng, d);
    const std::vector<float> output = Random(rng, d), gradient = Random(rng, d);
    std::vector<float> out = output, grad = gradient;
    std::vector<float> out_portable = output, grad_portable = gradient;
    SkipGramStep(0.3f, input.data(), out.data(), grad.data(), d);
    internal::SkipGramStepPortable(0.3f, input.data(), out_portable.data(), grad_portable.data(),
                                   d);
    for (size_t i = 0; i < d; ++i) {
      const double want_grad = gradient[i] + 0.3 * output[i];
      const double want_out = output[i] + 0.3 * input[i];
      EXPECT_NEAR(grad[i], want_grad, 1e-6) << d << " " << i;
      EXPECT_NEAR(out[i], want_out, 1e-6) << d << " " << i;
      EXPECT_NEAR(grad_portable[i], want_grad, 1e-6) << d << " " << i;
      EXPECT_NEAR(out_portable[i], want_out, 1e-6) << d << " " << i;
    }
  }
}

TEST(InnerProductTest, FastStorageHnswFindsExactNeighbours) {
  constexpr int kDim = 32, kN = 500, kK = 5, kQueries = 50;
  std::mt19937 rng(2);
  std::vector<float> data;
  for (int i = 0; i < kN; ++i) {
    auto v = RandomUnit(rng, kDim);
    data.insert(data.end(), v.begin(), v.end());
  }
  omp_set_num_threads(1);  // parallel HNSW insertion would make the graphs differ run to run
  FastInnerProductStorage storage(kDim);
  faiss::IndexHNSW fast(&storage, 16);
  fast.add(kN, data.data());
  faiss::IndexHNSWFlat reference(kDim, 16, faiss::METRIC_INNER_PRODUCT);
  reference.add(kN, data.data());
  int fast_found = 0, reference_found = 0;
  for (int q = 0; q < kQueries; ++q) {
    auto query = RandomUnit(rng, kDim);
    std::vector<std::pair<float, int>> exact;
    for (int i = 0; i < kN; ++i) {
      exact.push_back({-InnerProduct(query.data(), &data[i * kDim], kDim), i});
    }
    std::sort(exact.begin(), exact.end());
    std::set<faiss::Index::idx_t> truth;
    for (int i = 0; i < kK; ++i) truth.insert(exact[i].second);
    float d1[kK], d2[kK];
    faiss::Index::idx_t l1[kK], l2[kK];
    fast.search(1, query.data(), kK, d1, l1);
    reference.search(1, query.data(), kK, d2, l2);
    for (int i = 0; i < kK; ++i) {
      ASSERT_GE(l1[i], 0);
      EXPECT_NEAR(d1[i], InnerProduct(query.data(), &data[l1[i] * kDim], kDim), 1e-5);
      if (i > 0) {
        EXPECT_GE(d1[i - 1], d1[i]);
      }
      fast_found += truth.count(l1[i]);
      reference_found += truth.count(l2[i]);
    }
  }
  EXPECT_GE(fast_found, reference_found - kQueries * kK / 50);  // within 2 points of recall
  EXPECT_GE(fast_found, kQueries * kK * 9 / 10);
}

TEST(InnerProductTest, Int8KernelMatchesFloat) {
  std::mt19937 rng(3);
  for (size_t d : {0, 5, 16, 33, 256}) {
    auto q = Random(rng, d);
    std::vector<int8_t> c(d);
    double expected = 0;
    for (size_t i = 0; i < d; ++i) {
      c[i] = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
      expected += double{q[i]} * c[i];
    }
    EXPECT_NEAR(InnerProductInt8(q.data(), c.data(), d), expected, 1e-3 * (1 + d)) << d;
    EXPECT_NEAR(internal::InnerProductInt8Portable(q.data(), c.data(), d), expected, 1e-3 * (1 + d))
        << d;
  }
}

TEST(InnerProductTest, Int8Int8KernelIsExactForEveryLength) {
  std::mt19937 rng(5);
  for (size_t d = 0; d <= 80; ++d) {
    std::vector<int8_t> a(d), b(d);
    int64_t expected = 0;
    for (size_t i = 0; i < d; ++i) {
      // The extremes included: -128 * -128 is the largest product a pair can make.
      a[i] = static_cast<int8_t>(i % 7 == 0 ? -128 : static_cast<int>(rng() % 256) - 128);
      b[i] = static_cast<int8_t>(i % 5 == 0 ? -128 : static_cast<int>(rng() % 256) - 128);
      expected += int64_t{a[i]} * b[i];
    }
    EXPECT_EQ(InnerProductInt8Int8(a.data(), b.data(), d), expected) << d;
    EXPECT_EQ(internal::InnerProductInt8Int8Portable(a.data(), b.data(), d), expected) << d;
  }
}

// The graph build compares stored codes with each other; that distance must be what comparing a
// decoded code with a stored one gives, bit for bit, so that a faster kernel builds the same graph.
TEST(InnerProductTest, Int8SymmetricDistanceEqualsTheDecodedQueryDistance) {
  for (int dim : {16, 256, 384}) {
    std::mt19937 rng(dim);
    constexpr int kN = 40;
    std::vector<float> data;
    for (int i = 0; i < kN; ++i) {
      auto v = RandomUnit(rng, dim);
      data.insert(data.end(), v.begin(), v.end());
    }
    Int8InnerProductStorage storage(dim);
    storage.add(kN, data.data());
    std::unique_ptr<faiss::FlatCodesDistanceComputer> dc(storage.get_FlatCodesDistanceComputer());
    for (int i = 0; i < kN; ++i) {
      const uint8_t* a = storage.codes.data() + i * storage.code_size;
      float scale_a;
      std::memcpy(&scale_a, a, sizeof(scale_a));
      std::vector<float> decoded(dim);
      for (int k = 0; k < dim; ++k) decoded[k] = reinterpret_cast<const int8_t*>(a + 4)[k];
      for (int j = 0; j < kN; j += 3) {
        const uint8_t* b = storage.codes.data() + j * storage.code_size;
        float scale_b;
        std::memcpy(&scale_b, b, sizeof(scale_b));
        const float via_decoded =
            scale_a * scale_b *
            InnerProductInt8(decoded.data(), reinterpret_cast<const int8_t*>(b + 4), dim);
        EXPECT_EQ(dc->symmetric_dis(i, j), via_decoded) << dim << " " << i << " " << j;
      }
    }
  }
}

TEST(InnerProductTest, Int8StorageKeepsInnerProductsOfUnitVectors) {
  constexpr int kDim = 256, kN = 200;
  std::mt19937 rng(4);
  std::vector<float> data;
  for (int i = 0; i < kN; ++i) {
    auto v = RandomUnit(rng, kDim);
    data.insert(data.end(), v.begin(), v.end());
  }
  Int8InnerProductStorage storage(kDim);
  storage.add(kN, data.data());
  std::vector<float> decoded(kDim);
  storage.reconstruct(7, decoded.data());
  EXPECT_NEAR(InnerProduct(decoded.data(), &data[7 * kDim], kDim), 1.0, 2e-3);
  std::unique_ptr<faiss::FlatCodesDistanceComputer> dc(storage.get_FlatCodesDistanceComputer());
  auto query = RandomUnit(rng, kDim);
  dc->set_query(query.data());
  for (int i = 0; i < kN; i += 17) {
    EXPECT_NEAR((*dc)(i), InnerProduct(query.data(), &data[i * kDim], kDim), 2e-3);
    EXPECT_NEAR(dc->symmetric_dis(i, 3), InnerProduct(&data[i * kDim], &data[3 * kDim], kDim),
                2e-3);
  }
  // Exact scan over the codes returns the best match first.
  float d[3];
  faiss::Index::idx_t l[3];
  storage.search(1, &data[42 * kDim], 3, d, l);
  EXPECT_EQ(l[0], 42);
  EXPECT_GE(d[0], d[1]);
}

}  // namespace
}  // namespace headliner
