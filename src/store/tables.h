// Every table of Headliner's state, opened together over one Database: the article catalog,
// click state, co-visitation, behaviour embeddings, consumed Kafka offsets, rejection counters,
// the dead-letter outbox and the index journal. The Engine owns the one set of a process.
//
// Access is split by constness: the single writer (the ingest apply path) holds `Tables&` and
// stages writes; readers (ranking, the Admin read RPCs) hold `const Tables&`, through which only
// the tables' const Find/ForEach methods are callable.
#ifndef HEADLINER_STORE_TABLES_H_
#define HEADLINER_STORE_TABLES_H_

#include <memory>

#include "absl/status/statusor.h"
#include "store/article_store.h"
#include "store/behaviour_store.h"
#include "store/click_store.h"
#include "store/covisitation_store.h"
#include "store/database.h"
#include "store/dead_letter_outbox.h"
#include "store/experiment_store.h"
#include "store/index_journal.h"
#include "store/interleaving_store.h"
#include "store/offset_store.h"
#include "store/rejection_counters.h"

namespace headliner {

class Tables {
 public:
  // `database` must outlive the tables; `behaviour_dimension` is the length of every behaviour
  // vector; `catalog_read_cache_bytes` bounds the catalog rows requests keep in memory
  // (store/catalog_read_cache.h).
  static absl::StatusOr<std::unique_ptr<Tables>> Open(Database& database, int behaviour_dimension,
                                                      size_t catalog_read_cache_bytes);

  Tables(const Tables&) = delete;
  Tables& operator=(const Tables&) = delete;

  Database& database() { return database_; }

  ArticleStore& articles() { return *articles_; }
  const ArticleStore& articles() const { return *articles_; }
  ClickStore& clicks() { return clicks_; }
  const ClickStore& clicks() const { return clicks_; }
  CoVisitationStore& covisitation() { return covisitation_; }
  const CoVisitationStore& covisitation() const { return covisitation_; }
  BehaviourStore& behaviour() { return behaviour_; }
  const BehaviourStore& behaviour() const { return behaviour_; }
  OffsetStore& offsets() { return offsets_; }
  const OffsetStore& offsets() const { return offsets_; }
  RejectionCounters& rejections() { return rejections_; }
  const RejectionCounters& rejections() const { return rejections_; }
  DeadLetterOutbox& dead_letters() { return dead_letters_; }
  const DeadLetterOutbox& dead_letters() const { return dead_letters_; }
  ExperimentStore& experiments() { return experiments_; }
  const ExperimentStore& experiments() const { return experiments_; }
  InterleavingStore& interleaving() { return interleaving_; }
  const InterleavingStore& interleaving() const { return interleaving_; }
  IndexJournal& index_journal() { return *index_journal_; }
  const IndexJournal& index_journal() const { return *index_journal_; }

 private:
  Tables(Database& database, std::unique_ptr<ArticleStore> articles,
         std::unique_ptr<IndexJournal> index_journal, int behaviour_dimension)
      : database_(database),
        articles_(std::move(articles)),
        index_journal_(std::move(index_journal)),
        clicks_(database),
        covisitation_(database),
        behaviour_(database, behaviour_dimension),
        offsets_(database),
        rejections_(database),
        experiments_(database),
        interleaving_(database),
        dead_letters_(database) {}

  Database& database_;
  const std::unique_ptr<ArticleStore> articles_;  // opened first: it reads its id counter
  const std::unique_ptr<IndexJournal> index_journal_;
  ClickStore clicks_;
  CoVisitationStore covisitation_;
  BehaviourStore behaviour_;
  OffsetStore offsets_;
  RejectionCounters rejections_;
  ExperimentStore experiments_;
  InterleavingStore interleaving_;
  DeadLetterOutbox dead_letters_;
};

}  // namespace headliner

#endif  // HEADLINER_STORE_TABLES_H_
