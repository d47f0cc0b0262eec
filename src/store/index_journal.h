// The index journal: for each committed batch that changed vectors, which articles' content and
// behaviour vectors it changed, at increasing positions. It is what lets an index snapshot
// (index/index_snapshot.h) be brought up to date after a restart: a snapshot records the position
// of the last batch it reflects, and replaying the entries after it (reading those articles'
// current vectors from the tables) gives the index a rebuild from RocksDB would give, in the time
// it takes to read the changes instead of every vector.
//
// The apply path stages an entry in the same WriteBatch as the vectors it names, so an entry
// exists exactly when its changes are durable. Entries up to the oldest snapshot still needed are
// trimmed; the trimmed-through position is kept, so a snapshot older than it (entries missing) is
// recognised as unusable.
//
// Thread safety: reads from any thread; Stage/StageTrim from the single writer.
#ifndef HEADLINER_STORE_INDEX_JOURNAL_H_
#define HEADLINER_STORE_INDEX_JOURNAL_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "store/database.h"
#include "store/staged_batch.h"

namespace headliner {

struct IndexJournalEntry {
  std::vector<uint64_t> content;    // articles upserted or deleted (dense ids)
  std::vector<uint64_t> behaviour;  // articles whose behaviour vector changed

  bool empty() const { return content.empty() && behaviour.empty(); }
};

class IndexJournal {
 public:
  // Reads the last position and the trimmed-through position. `database` must outlive it.
  static absl::StatusOr<std::unique_ptr<IndexJournal>> Open(Database& database);

  // Stages `entry` at the next position and returns that position; last_position() becomes it
  // when the batch commits. At most one entry per batch. A batch staged while an earlier one is
  // still being written passes that one's position as `after`, so the two do not collide.
  uint64_t Stage(StagedBatch& batch, const IndexJournalEntry& entry, uint64_t after = 0);
  // Stages the removal of every entry at or before `position` (they are reflected in a snapshot
  // that is safely written).
  absl::Status StageTrim(StagedBatch& batch, uint64_t position);

  // Calls `fn` for each entry after `position`, in order. FailedPrecondition when entries after
  // `position` were trimmed (position < trimmed_through()): the caller must rebuild instead.
  absl::Status ForEachAfter(
      uint64_t position,
      const std::function<absl::Status(uint64_t, const IndexJournalEntry&)>& fn) const;

  // The position of the last committed entry (0: none yet).
  uint64_t last_position() const { return last_.load(std::memory_order_acquire); }
  // Entries at or before this position are gone.
  uint64_t trimmed_through() const { return trimmed_.load(std::memory_order_acquire); }

 private:
  IndexJournal(Database& database, uint64_t last, uint64_t trimmed)
      : db_(database), last_(last), trimmed_(trimmed) {}

  Database& db_;
  std::atomic<uint64_t> last_;     // written by the writer's commit hooks
  std::atomic<uint64_t> trimmed_;  // likewise
};

}  // namespace headliner

#endif  // HEADLINER_STORE_INDEX_JOURNAL_H_
