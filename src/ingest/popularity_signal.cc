#include "ingest/popularity_signal.h"

#include "common/status_macros.h"

namespace headliner {

absl::Status PopularitySignal::Stage(const ResolvedClick& click,
                                     std::span<const SessionClick> /*history*/,
                                     ApplyContext& context) {
  StagedBatch& batch = context.writes;
  ASSIGN_OR_RETURN(Activity article, clicks_.FindArticleActivity(click.dense_id, &batch));
  ++article.clicks;
  article.popularity.Add(1.0, click.micros, half_life_);
  clicks_.StageArticleActivity(batch, click.dense_id, article);

  const std::string& section = click.article.section();
  if (!section.empty()) {
    ASSIGN_OR_RETURN(Activity s, clicks_.FindSectionActivity(section, &batch));
    ++s.clicks;
    s.popularity.Add(1.0, click.micros, half_life_);
    clicks_.StageSectionActivity(batch, section, s);
  }
  return absl::OkStatus();
}

}  // namespace headliner
