// What ranking reads: the catalog and click tables and both vector indexes, all read-only (the
// compiler keeps ranking away from the tables' write API). The Engine hands out one.
#ifndef HEADLINER_RANK_RANK_SOURCES_H_
#define HEADLINER_RANK_RANK_SOURCES_H_

#include "absl/time/time.h"
#include "index/vector_index.h"
#include "store/article_store.h"
#include "store/click_store.h"
#include "store/covisitation_store.h"

namespace headliner {

struct RankSources {
  const ArticleStore& articles;
  // Sessions (what a reader already read), click counts, popularity and trending lists.
  const ClickStore& clicks;
  const CoVisitationStore& covisitation;
  const VectorIndex& content_index;
  const VectorIndex& behaviour_index;
  // Half-life the popularity counts were kept with (clicks.popularity_half_life).
  absl::Duration popularity_half_life;
  // Half-life the co-visitation weights and the click counts that normalise them were kept with
  // (covisitation.half_life).
  absl::Duration covisitation_half_life;
};

}  // namespace headliner

#endif  // HEADLINER_RANK_RANK_SOURCES_H_
