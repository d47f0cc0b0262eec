#include "store/tables.h"

#include "common/status_macros.h"

namespace headliner {

absl::StatusOr<std::unique_ptr<Tables>> Tables::Open(Database& database, int behaviour_dimension) {
  ASSIGN_OR_RETURN(std::unique_ptr<ArticleStore> articles, ArticleStore::Open(database));
  ASSIGN_OR_RETURN(std::unique_ptr<IndexJournal> journal, IndexJournal::Open(database));
  std::unique_ptr<Tables> tables(
      new Tables(database, std::move(articles), std::move(journal), behaviour_dimension));
  RETURN_IF_ERROR(tables->clicks_.LoadActivity());
  return tables;
}

}  // namespace headliner
