// The readout of an A/B experiment from its per-variant sums (store/experiment_store.h), with the
// statistics experimentation platforms use:
//  - CTR = clicks / impressions, a ratio of two sums over randomisation units (a reader's
//    impressions are not independent), so its variance comes from the delta method over units:
//      Var(C/I) ~ (1/n) (s_C^2 / m_I^2 - 2 m_C s_IC / m_I^3 + m_C^2 s_I^2 / m_I^4)
//    with m, s^2 and s_IC the per-unit means, variances and covariance; 95% intervals are normal.
//  - against the control: the difference's two-sided p-value (z-test), and the relative lift
//    t/c - 1 with a delta-method interval;
//  - an always-valid p-value (mixture sequential probability ratio test, normal mixture with
//    standard deviation `tau` on the difference; Johari et al. 2017) that stays valid however
//    often the report is read: min(1, 1 / Lambda), Lambda = sqrt(V / (V + tau^2))
//    exp(d^2 tau^2 / (2 V (V + tau^2))), d the difference and V its variance;
//  - a sample-ratio-mismatch check: chi-square of the units per variant against the configured
//    weights, flagged below p = 0.001 (GrowthBook's threshold): a broken split invalidates every
//    other figure.
#ifndef HEADLINER_EXPERIMENT_EXPERIMENT_STATISTICS_H_
#define HEADLINER_EXPERIMENT_EXPERIMENT_STATISTICS_H_

#include <span>
#include <string>
#include <vector>

#include "store/experiment_store.h"
#include "store/interleaving_store.h"

namespace headliner {

// A ratio metric's estimate and the variance of the estimate.
struct RatioEstimate {
  double value = 0;
  double variance = 0;  // 0 when undefined (fewer than two units, or no impressions)
};

// Clicks per impression over the units of `totals` (delta method).
RatioEstimate ClickThroughRate(const VariantTotals& totals);

struct VariantReadout {
  std::string name;
  bool control = false;
  double weight = 0;  // configured share
  VariantTotals totals;
  double ctr = 0, ctr_low = 0, ctr_high = 0;
  // Against the control (absent for the control, or without data: `compared` false).
  bool compared = false;
  double lift = 0, lift_low = 0, lift_high = 0;  // relative: t/c - 1
  double p_value = 1;
  double always_valid_p_value = 1;
};

struct ExperimentReadout {
  std::string key;
  std::vector<VariantReadout> variants;
  double srm_p_value = 1;
  bool srm_warning = false;
};

// The readout of one experiment: `variants` in the config's order with their weights and sums;
// `control` indexes them. The mixture's tau is `relative_tau` times the control's CTR.
ExperimentReadout ReadOutExperiment(const std::string& key, std::vector<VariantReadout> variants,
                                    int control, double relative_tau = 0.1);

// The readout of an interleaving experiment (store/interleaving_store.h): the preference for B,
// (wins_b + ties / 2) / impressions with clicks - 0.5 (Radlinski et al.'s Delta_AB with the teams
// swapped), and the sign test of wins_a against wins_b.
struct InterleavingReadout {
  std::string variant_a, variant_b;  // teams A (the control) and B
  InterleavingTotals totals;
  double preference_b = 0;
  double p_value = 1;
};

InterleavingReadout ReadOutInterleaving(std::string variant_a, std::string variant_b,
                                        const InterleavingTotals& totals);

// Two-sided exact sign test of an interleaving experiment: impressions won by A against those won
// by B (ties left out), under the null that each is won by either with probability 1/2.
double SignTestPValue(uint64_t wins_a, uint64_t wins_b);

// P(X > x) for X chi-square with `df` degrees of freedom.
double ChiSquareUpperTail(double x, int df);

}  // namespace headliner

#endif  // HEADLINER_EXPERIMENT_EXPERIMENT_STATISTICS_H_
