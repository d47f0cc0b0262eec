#include "ingest/impression_applier.h"

#include "absl/strings/str_cat.h"
#include "common/recommendation_token.h"
#include "common/status_macros.h"
#include "headliner/v1/limits.h"
#include "ingest/experiment_units.h"

namespace headliner {
namespace {

// An impression names one experiment per layer.
constexpr int kMaxExperiments = 64;

}  // namespace

absl::StatusOr<EventOutcome> ImpressionApplier::Stage(const v1::ImpressionEvent& event,
                                                      ApplyContext& context) {
  if (event.token().empty() || event.token().size() > v1::kMaxTokenBytes) {
    return EventOutcome::Rejected("bad_token", "token: missing or oversized");
  }
  if (event.experiments_size() == 0 || event.experiments_size() > kMaxExperiments) {
    return EventOutcome::Rejected(
        "bad_experiments", absl::StrCat("experiments: between 1 and ", kMaxExperiments, " needed"));
  }
  if (absl::StatusOr<v1::RecommendationToken> token =
          DecodeRecommendationToken(event.token(), token_key_);
      !token.ok()) {
    return EventOutcome::Rejected("bad_token",
                                  absl::StrCat("token: ", token.status().message(),
                                               " (do the replicas share the token key?)"));
  }
  for (const v1::ExperimentVariant& e : event.experiments()) {
    if (e.experiment().empty() || e.variant().empty() || e.experiment().size() > v1::kMaxIdBytes ||
        e.variant().size() > v1::kMaxIdBytes) {
      return EventOutcome::Rejected("bad_experiments", "experiments: a name is empty or too long");
    }
    if (IsInterleaved(e) &&
        (e.variant() != "interleaved" || e.teams_size() != event.item_ids_size())) {
      return EventOutcome::Rejected(
          "bad_experiments", absl::StrCat("experiment ", e.experiment(),
                                          ": an interleaved impression needs a team per item"));
    }
    const std::string& unit = UnitIdOf(e, event.user_id(), event.session_id());
    if (unit.empty() || unit.size() > v1::kMaxIdBytes) {
      return EventOutcome::Rejected("missing_unit",
                                    absl::StrCat("experiment ", e.experiment(), ": no unit id"));
    }
  }
  for (const v1::ExperimentVariant& e : event.experiments()) {
    const std::string& unit = UnitIdOf(e, event.user_id(), event.session_id());
    ASSIGN_OR_RETURN(const UnitCounts before,
                     experiments_.FindUnit(e.experiment(), e.variant(), unit, &context.writes));
    UnitCounts after = before;
    ++after.impressions;
    experiments_.StageUnit(context.writes, e.experiment(), e.variant(), unit, before, after);
  }
  return EventOutcome::Applied(0);
}

}  // namespace headliner
