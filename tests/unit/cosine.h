// The cosine of two vectors of the same length, in double: what tests compare vectors with.
#ifndef HEADLINER_TESTS_UNIT_COSINE_H_
#define HEADLINER_TESTS_UNIT_COSINE_H_

#include <cmath>
#include <vector>

namespace headliner::testing {

inline double Cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ab += double{a[i]} * b[i];
    aa += double{a[i]} * a[i];
    bb += double{b[i]} * b[i];
  }
  return ab / std::sqrt(aa * bb);
}

}  // namespace headliner::testing

#endif  // HEADLINER_TESTS_UNIT_COSINE_H_
