#include "experiment/experiment_statistics.h"

#include <algorithm>
#include <cmath>

namespace headliner {
namespace {

constexpr double kZ95 = 1.959963984540054;
constexpr double kSrmThreshold = 0.001;

// Two-sided normal p-value of z.
double TwoSided(double z) { return std::erfc(std::fabs(z) / std::sqrt(2.0)); }

// Regularised upper incomplete gamma Q(a, x) (Numerical Recipes: series below a + 1, continued
// fraction above).
double UpperGamma(double a, double x) {
  if (x <= 0) return 1;
  const double log_front = -x + a * std::log(x) - std::lgamma(a);
  if (x < a + 1) {
    double term = 1 / a, sum = term;
    for (int n = 1; n < 500 && std::fabs(term) > std::fabs(sum) * 1e-15; ++n) {
      term *= x / (a + n);
      sum += term;
    }
    return std::max(0.0, 1 - sum * std::exp(log_front));
  }
  const double tiny = 1e-300;
  double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (int i = 1; i < 500; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    const double step = d * c;
    h *= step;
    if (std::fabs(step - 1) < 1e-15) break;
  }
  return std::exp(log_front) * h;
}

}  // namespace

double ChiSquareUpperTail(double x, int df) { return UpperGamma(df / 2.0, x / 2.0); }

double SignTestPValue(uint64_t wins_a, uint64_t wins_b) {
  const uint64_t n = wins_a + wins_b;
  if (n == 0) return 1;
  const uint64_t k = std::min(wins_a, wins_b);
  // P(X <= k), X ~ Binomial(n, 1/2), summed in log space from the largest term down.
  const double log_half_n = static_cast<double>(n) * std::log(0.5);
  const double log_n_fact = std::lgamma(static_cast<double>(n) + 1);
  double tail = 0;
  for (uint64_t i = k + 1; i-- > 0;) {
    const double term = std::exp(log_n_fact - std::lgamma(static_cast<double>(i) + 1) -
                                 std::lgamma(static_cast<double>(n - i) + 1) + log_half_n);
    tail += term;
    if (term < tail * 1e-17) break;  // the rest cannot change the sum
  }
  return std::min(1.0, 2 * tail);
}

InterleavingReadout ReadOutInterleaving(std::string variant_a, std::string variant_b,
                                        const InterleavingTotals& totals) {
  InterleavingReadout out{std::move(variant_a), std::move(variant_b), totals};
  if (const uint64_t n = totals.impressions_with_clicks; n > 0) {
    out.preference_b =
        (static_cast<double>(totals.wins_b) + 0.5 * static_cast<double>(totals.ties)) /
            static_cast<double>(n) -
        0.5;
  }
  out.p_value = SignTestPValue(totals.wins_a, totals.wins_b);
  return out;
}

RatioEstimate ClickThroughRate(const VariantTotals& t) {
  RatioEstimate r;
  if (t.impressions == 0) return r;
  r.value = static_cast<double>(t.clicks) / static_cast<double>(t.impressions);
  if (t.units < 2) return r;
  const double n = static_cast<double>(t.units);
  const double mi = t.impressions / n, mc = t.clicks / n;
  const double vi = (t.impressions_squared - n * mi * mi) / (n - 1);
  const double vc = (t.clicks_squared - n * mc * mc) / (n - 1);
  const double cov = (t.impressions_clicks - n * mi * mc) / (n - 1);
  r.variance = std::max(
      0.0,
      (vc / (mi * mi) - 2 * mc * cov / (mi * mi * mi) + mc * mc * vi / (mi * mi * mi * mi)) / n);
  return r;
}

ExperimentReadout ReadOutExperiment(const std::string& key, std::vector<VariantReadout> variants,
                                    int control, double relative_tau) {
  ExperimentReadout out;
  out.key = key;
  std::vector<RatioEstimate> ctr;
  for (VariantReadout& v : variants) {
    const RatioEstimate r = ClickThroughRate(v.totals);
    const double sd = std::sqrt(r.variance);
    v.ctr = r.value;
    v.ctr_low = r.value - kZ95 * sd;
    v.ctr_high = r.value + kZ95 * sd;
    ctr.push_back(r);
  }
  if (control >= 0 && control < static_cast<int>(variants.size())) {
    variants[control].control = true;
    const RatioEstimate c = ctr[control];
    for (size_t i = 0; i < variants.size(); ++i) {
      const RatioEstimate t = ctr[i];
      VariantReadout& v = variants[i];
      if (static_cast<int>(i) == control || c.value <= 0 || t.variance <= 0 || c.variance <= 0) {
        continue;
      }
      v.compared = true;
      const double diff = t.value - c.value;
      const double var = t.variance + c.variance;
      v.p_value = TwoSided(diff / std::sqrt(var));
      const double ratio = t.value / c.value;
      const double lift_sd =
          ratio * std::sqrt(t.variance / (t.value * t.value) + c.variance / (c.value * c.value));
      v.lift = ratio - 1;
      v.lift_low = v.lift - kZ95 * lift_sd;
      v.lift_high = v.lift + kZ95 * lift_sd;
      const double tau2 = std::pow(relative_tau * c.value, 2);
      const double log_lambda =
          0.5 * std::log(var / (var + tau2)) + diff * diff * tau2 / (2 * var * (var + tau2));
      v.always_valid_p_value = std::min(1.0, std::exp(-log_lambda));
    }
  }
  // Sample ratio: units against the configured weights.
  double units = 0, weights = 0;
  for (const VariantReadout& v : variants) {
    units += static_cast<double>(v.totals.units);
    weights += v.weight;
  }
  if (units > 0 && weights > 0 && variants.size() > 1) {
    double chi = 0;
    for (const VariantReadout& v : variants) {
      const double expected = units * v.weight / weights;
      if (expected > 0) chi += std::pow(v.totals.units - expected, 2) / expected;
    }
    out.srm_p_value = ChiSquareUpperTail(chi, static_cast<int>(variants.size()) - 1);
    out.srm_warning = out.srm_p_value < kSrmThreshold;
  }
  out.variants = std::move(variants);
  return out;
}

}  // namespace headliner
