#include "serve/experiment_rankers.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "experiment/ranking_overrides.h"

namespace headliner {
namespace {

// Combinations of variants (not distinct rankings, which the config bounds): a pointer each.
constexpr size_t kMaxCombinations = 1 << 16;

}  // namespace

absl::StatusOr<std::unique_ptr<const ExperimentRankers>> ExperimentRankers::Build(
    std::shared_ptr<const ExperimentsConfig> config, const std::shared_ptr<const Engine>& engine) {
  std::unique_ptr<ExperimentRankers> out(new ExperimentRankers(std::move(config), engine));
  size_t combinations = 1;
  for (const ExperimentLayer& layer : out->config_->layers) {
    size_t digit = 1;
    auto& firsts = out->first_digit_.emplace_back();
    for (const Experiment& e : layer.experiments) {
      firsts.push_back(digit);
      digit += e.variants.size();
    }
    out->radix_.push_back(digit);
    combinations *= digit;
    if (combinations > kMaxCombinations) {
      return absl::InvalidArgumentError("experiments: too many combinations of variants");
    }
  }
  const RankingConfig& base = engine->ranker().config();
  std::map<std::map<std::string, std::string>, const Ranker*> by_overrides = {
      {{}, &engine->ranker()}};
  out->rankers_.resize(combinations);
  for (size_t c = 0; c < combinations; ++c) {
    std::map<std::string, std::string> overrides;
    size_t rest = c;
    for (size_t l = 0; l < out->radix_.size(); ++l) {
      const size_t digit = rest % out->radix_[l];
      rest /= out->radix_[l];
      if (digit == 0) continue;
      const ExperimentLayer& layer = out->config_->layers[l];
      const auto& firsts = out->first_digit_[l];
      const size_t e = static_cast<size_t>(std::upper_bound(firsts.begin(), firsts.end(), digit) -
                                           firsts.begin() - 1);
      const ExperimentVariant& v = layer.experiments[e].variants[digit - firsts[e]];
      overrides.insert(v.overrides.begin(), v.overrides.end());
    }
    auto [it, inserted] = by_overrides.try_emplace(overrides, nullptr);
    if (inserted) {
      absl::StatusOr<RankingConfig> ranking = ApplyRankingOverrides(base, overrides);
      if (!ranking.ok()) return ranking.status();  // the config's load checked every combination
      out->owned_.push_back(engine->MakeRanker(*ranking));
      it->second = out->owned_.back().get();
    }
    out->rankers_[c] = it->second;
  }
  return std::unique_ptr<const ExperimentRankers>(std::move(out));
}

size_t ExperimentRankers::ComboIndex(const std::vector<ExperimentAssignment>& assignments) const {
  std::vector<size_t> digits(radix_.size(), 0);
  for (const ExperimentAssignment& a : assignments) {
    const size_t l = static_cast<size_t>(a.layer - config_->layers.data());
    const size_t e = static_cast<size_t>(a.experiment - a.layer->experiments.data());
    digits[l] = first_digit_[l][e] + static_cast<size_t>(a.variant);
  }
  size_t index = 0;
  for (size_t l = radix_.size(); l-- > 0;) index = index * radix_[l] + digits[l];
  return index;
}

absl::StatusOr<RankingChoice> ExperimentRankers::Choose(absl::string_view user_id,
                                                        absl::string_view session_id,
                                                        absl::string_view force_variant) const {
  RankingChoice choice;
  if (force_variant.empty()) {
    choice.assignments = assigner_.Assign(user_id, session_id);
  } else {
    if (!config_->allow_forced_variant) {
      return absl::InvalidArgumentError(
          "force_variant: not allowed (the experiments file's allow_forced_variant is false)");
    }
    const size_t colon = force_variant.find(':');
    const absl::string_view key = force_variant.substr(0, colon);
    const absl::string_view name =
        colon == absl::string_view::npos ? absl::string_view() : force_variant.substr(colon + 1);
    for (const ExperimentLayer& layer : config_->layers) {
      for (const Experiment& e : layer.experiments) {
        if (e.key != key) continue;
        for (size_t v = 0; v < e.variants.size(); ++v) {
          if (e.variants[v].name == name) {
            choice.assignments.push_back({&layer, &e, static_cast<int>(v)});
          }
        }
        if (e.interleave && name == kInterleavedVariant) {
          choice.assignments.push_back({&layer, &e, e.control, true});
        }
      }
    }
    if (choice.assignments.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("force_variant: no experiment:variant \"", force_variant, "\""));
    }
    choice.forced = true;
  }
  choice.ranker = rankers_[ComboIndex(choice.assignments)];
  for (const ExperimentAssignment& a : choice.assignments) {
    if (!a.interleaved) continue;  // config validation: one interleaving experiment at most
    std::vector<ExperimentAssignment> team_b = choice.assignments;
    for (ExperimentAssignment& b : team_b) {
      if (b.interleaved) b.variant = 1 - a.experiment->control;  // the other of its two variants
    }
    choice.team_b_ranker = rankers_[ComboIndex(team_b)];
  }
  return choice;
}

}  // namespace headliner
