// Turns raw co-visitation weights into relatedness scores in [0, 1]. c(a, b) is the decayed
// weight of the pair, n(a) and n(b) the articles' click counts and N all clicks:
//   jaccard  c / (n(a) + n(b) - c)                      (the SAR default)
//   conditional  c / n(a): the share of the source's readers who went on to read b
//   cosine   c / sqrt(n(a) n(b))
//   lift     c / (n(a) n(b)), divided by the largest among the source's partners
//   pmi      log(c N / (n(a) n(b))), divided by the largest among the source's partners; <0 is 0
// Jaccard, conditional and cosine are clamped to 1: a pair can be counted more often than its rarer
// article was clicked (a, b, a in one session).
#ifndef HEADLINER_RANK_COVISITATION_NORMALIZER_H_
#define HEADLINER_RANK_COVISITATION_NORMALIZER_H_

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rank/ranking_config.h"

namespace headliner {

struct PartnerCounts {
  double weight = 0;  // c(source, partner)
  double clicks = 0;  // n(partner)
};

// One score per partner, in order. `source_clicks` is n(source), `total_clicks` N (pmi only).
std::vector<double> NormalizeCoVisitation(CoVisitationNormalizer normalizer, double source_clicks,
                                          double total_clicks,
                                          std::span<const PartnerCounts> partners);

}  // namespace headliner

#endif  // HEADLINER_RANK_COVISITATION_NORMALIZER_H_
