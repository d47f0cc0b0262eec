#include "store/tables.h"

#include <cstdio>

#include "common/log.h"
#include "common/status_macros.h"

namespace headliner {

absl::StatusOr<std::unique_ptr<Tables>> Tables::Open(Database& database, int behaviour_dimension,
                                                     size_t catalog_read_cache_bytes) {
  ASSIGN_OR_RETURN(std::unique_ptr<ArticleStore> articles,
                   ArticleStore::Open(database, catalog_read_cache_bytes));
  ASSIGN_OR_RETURN(std::unique_ptr<IndexJournal> journal, IndexJournal::Open(database));
  std::unique_ptr<Tables> tables(
      new Tables(database, std::move(articles), std::move(journal), behaviour_dimension));
  RETURN_IF_ERROR(tables->clicks_.LoadActivity());
  if (!database.read_only()) {
    ASSIGN_OR_RETURN(bool dropped, tables->covisitation_.DropPairWeights());
    if (dropped) {
      LogInfo("store",
              "removed the per-pair co-visitation weights of an earlier version (the partner "
              "rows carry the weights now)");
    }
  }
  return tables;
}

}  // namespace headliner
