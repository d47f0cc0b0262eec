#include "ingest/experiment_click_signal.h"

#include "common/recommendation_token.h"
#include "common/status_macros.h"
#include "ingest/experiment_units.h"

namespace headliner {

absl::Status ExperimentClickSignal::Stage(const ResolvedClick& click,
                                          std::span<const SessionClick> /*history*/,
                                          ApplyContext& context) {
  const v1::ClickEvent& event = click.event;
  if (event.token().empty()) return absl::OkStatus();
  absl::StatusOr<v1::RecommendationToken> token =
      DecodeRecommendationToken(event.token(), token_key_);
  if (!token.ok()) {
    experiments_.StageUnattributed(context.writes, token.status().message() == "malformed token"
                                                       ? "malformed_token"
                                                       : "forged_token");
    return absl::OkStatus();
  }
  for (const v1::ExperimentVariant& e : token->experiments()) {
    const std::string& unit = UnitIdOf(e, event.user_id(), event.session_id());
    if (unit.empty()) {
      experiments_.StageUnattributed(context.writes, "missing_unit");
      continue;
    }
    if (e.teams_size() > 0 || IsInterleaved(e)) {
      if (event.position() < 0 || event.position() >= e.teams_size() ||
          !TokenShowsItemAt(*token, event.position(), event.article_id())) {
        experiments_.StageUnattributed(context.writes, "bad_position");
        continue;
      }
      ASSIGN_OR_RETURN(
          const TeamClicks before,
          interleaving_.FindImpression(e.experiment(), token->nonce(), &context.writes));
      interleaving_.StageClick(context.writes, e.experiment(), token->nonce(), before,
                               e.teams(event.position()) == v1::INTERLEAVING_TEAM_A);
    }
    ASSIGN_OR_RETURN(const UnitCounts before,
                     experiments_.FindUnit(e.experiment(), e.variant(), unit, &context.writes));
    UnitCounts after = before;
    ++after.clicks;
    experiments_.StageUnit(context.writes, e.experiment(), e.variant(), unit, before, after);
  }
  return absl::OkStatus();
}

}  // namespace headliner
