#include "ingest/click_applier.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "ingest/event_validator.h"

namespace headliner {

absl::StatusOr<EventOutcome> ClickApplier::Stage(const v1::ClickEvent& click, ApplyContext& ctx) {
  if (std::optional<Rejection> r = ValidateClick(click, ctx.time_bounds)) {
    return EventOutcome::Rejected(r->reason, r->message);
  }
  StagedBatch& batch = ctx.writes;
  ASSIGN_OR_RETURN(std::optional<ClickedArticle> article,
                   articles_.FindClicked(click.article_id(), batch));
  if (!article || !article->live) {
    return EventOutcome::Rejected("unknown_article", absl::StrCat("article_id ", click.article_id(),
                                                                  " is not in the catalog"));
  }
  const int64_t micros = ToMicros(click.occurred_at());

  // Duplicates: the same event id within the window (either direction: replays can come late).
  const int64_t window = absl::ToInt64Microseconds(config_.dedup_window);
  ASSIGN_OR_RETURN(std::optional<int64_t> seen, clicks_.FindEvent(click.event_id(), &batch));
  if (seen && std::llabs(*seen - micros) <= window) {
    return EventOutcome::Ignored(article->dense_id, "duplicate_event");
  }
  clicks_.StageEvent(batch, click.event_id(), micros);

  // The session: drop it when idle for too long, then keep the latest clicks in time order.
  const std::string session_key = ClickStore::ReaderKey(click.session_id(), click.user_id());
  ASSIGN_OR_RETURN(std::vector<SessionClick> session, clicks_.FindSession(session_key, &batch));
  const int64_t idle = absl::ToInt64Microseconds(config_.session_idle_timeout);
  if (!session.empty() && micros - session.back().micros > idle) session.clear();
  const std::vector<SessionClick> history = session;
  const SessionClick entry{article->dense_id, micros};
  session.insert(std::upper_bound(session.begin(), session.end(), entry,
                                  [](const SessionClick& a, const SessionClick& b) {
                                    return a.micros < b.micros;
                                  }),
                 entry);
  const size_t max_clicks = static_cast<size_t>(config_.session_max_clicks);
  if (session.size() > max_clicks) session.erase(session.begin(), session.end() - max_clicks);
  clicks_.StageSession(batch, session_key, session);
  clicks_.StageClickCounted(batch);

  const ResolvedClick resolved{click, article->section, article->dense_id, micros, session_key};
  for (const auto& signal : signals_) {
    RETURN_IF_ERROR(signal->Stage(resolved, history, ctx));
  }
  return EventOutcome::Applied(article->dense_id);
}

absl::Status ClickApplier::FinishBatch(ApplyContext& context) {
  for (const auto& signal : signals_) RETURN_IF_ERROR(signal->FinishBatch(context));
  return absl::OkStatus();
}

}  // namespace headliner
