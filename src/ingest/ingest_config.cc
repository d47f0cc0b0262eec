#include "ingest/ingest_config.h"

namespace headliner {

void DeclareValidationOptions(ValidationConfig& c, OptionTable& table) {
  table.In("validation")
      .Duration("max_future_skew", c.max_future_skew)
      .Int("earliest_year", c.earliest_year, 1970, 2100);
}

void DeclareApplyOptions(ApplyConfig& c, OptionTable& table) {
  table.In("apply")
      .Int("hot_rows_mib", c.hot_rows_mib, 0, 1 << 20)
      .Bool("pipelined_writes", c.pipelined_writes)
      .Int("write_nice", c.write_nice, 0, 19);
}

void DeclareClicksOptions(ClicksConfig& c, OptionTable& table) {
  table.In("clicks")
      .Int("session_max_clicks", c.session_max_clicks, 1, 10000)
      .Duration("session_idle_timeout", c.session_idle_timeout)
      .Duration("dedup_window", c.dedup_window)
      .Duration("popularity_half_life", c.popularity_half_life)
      .Int("trending_per_section", c.trending_per_section, 1, 10000);
}

void DeclareCoVisitationOptions(CoVisitationConfig& c, OptionTable& table) {
  table.In("covisitation")
      .Duration("window", c.window)
      .Duration("gap_half_life", c.gap_half_life)
      .Int("max_partners", c.max_partners, 1, 1000)
      .Int("tracked_partners", c.tracked_partners, 1, 10000)
      .Duration("half_life", c.half_life);
  table.Rule([&c]() -> absl::Status {
    if (c.tracked_partners >= c.max_partners) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("covisitation.tracked_partners (", c.tracked_partners,
                     ") must be at least covisitation.max_partners (", c.max_partners, ")"));
  });
}

void DeclareBehaviourOptions(BehaviourConfig& c, OptionTable& table) {
  table.In("behaviour")
      .Bool("enabled", c.enabled)
      .Duration("window", c.window)
      .Int("context_clicks", c.context_clicks, 1, 100)
      .Int("negatives", c.negatives, 0, 50)
      .Int("negative_pool", c.negative_pool, 1, 1000000)
      .Double("learning_rate", c.learning_rate, 1e-6, 1)
      .Int("dimension", c.dimension, 0, 4096)
      .Int("vector_cache_size", c.vector_cache_size, 0, 10000000);
}

}  // namespace headliner
