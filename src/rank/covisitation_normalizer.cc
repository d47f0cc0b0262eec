#include "rank/covisitation_normalizer.h"

#include <algorithm>
#include <cmath>

namespace headliner {

std::vector<double> NormalizeCoVisitation(CoVisitationNormalizer normalizer, double source_clicks,
                                          double total_clicks,
                                          std::span<const PartnerCounts> partners) {
  std::vector<double> out(partners.size(), 0.0);
  for (size_t i = 0; i < partners.size(); ++i) {
    const double c = partners[i].weight;
    const double n = partners[i].clicks;
    if (c <= 0 || source_clicks <= 0 || n <= 0) continue;
    switch (normalizer) {
      case CoVisitationNormalizer::kJaccard: {
        const double uni = source_clicks + n - c;
        out[i] = uni > 0 ? std::min(1.0, c / uni) : 1.0;
        break;
      }
      case CoVisitationNormalizer::kConditional:
        out[i] = std::min(1.0, c / source_clicks);
        break;
      case CoVisitationNormalizer::kCosine:
        out[i] = std::min(1.0, c / std::sqrt(source_clicks * n));
        break;
      case CoVisitationNormalizer::kLift:
        out[i] = c / (source_clicks * n);
        break;
      case CoVisitationNormalizer::kPmi:
        out[i] = std::max(0.0, std::log(c * std::max(1.0, total_clicks) / (source_clicks * n)));
        break;
    }
  }
  if (normalizer == CoVisitationNormalizer::kLift || normalizer == CoVisitationNormalizer::kPmi) {
    const double top = out.empty() ? 0.0 : *std::max_element(out.begin(), out.end());
    if (top > 0) {
      for (double& v : out) v /= top;
    }
  }
  return out;
}

}  // namespace headliner
