// Co-visitation in RocksDB: for each article a, its partners b (articles read in the same session
// within a window) with a time-decayed weight c(a, b), one bounded row per article, so that the
// apply path reads and writes one row per touched article and serving reads one value.
//
// The row tracks a bounded number of partners with the Space-Saving algorithm (Metwally et al.,
// "Efficient computation of frequent and top-k elements in data streams", 2005): a new partner of
// a full row replaces the entry with the smallest count and inherits that count as its `error`.
// `count` then overestimates c(a, b) by at most `error`, `count - error` is a lower bound, exact
// for a partner never evicted, and every partner whose weight exceeds the row's smallest count is
// in the row. The row is kept heaviest lower bound first and says how many of its entries are the
// article's partners; the rest are tracked so that a rising partner keeps its weight. Serving sees
// the partners, with their lower bounds. An earlier layout kept every pair's exact weight in a
// row of its own (column `covisits`): reading and writing those rows was a third of the apply
// path's time, and their number grows with the catalog squared.
//
// Reads are thread-safe; with `pending` they see the writer's staged batch. Writes are staged by
// the single ingest writer.
#ifndef HEADLINER_STORE_COVISITATION_STORE_H_
#define HEADLINER_STORE_COVISITATION_STORE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "store/database.h"
#include "store/row_revisions.h"
#include "store/staged_batch.h"

namespace headliner {

// A partner as ranking sees it: `weight` is the lower bound of c(a, partner).
struct Partner {
  uint64_t dense_id = 0;
  double weight = 0;
};

// An article's partners, heaviest lower bound first, with the time their weights are at: a weight
// w at `as_of_micros` is w 2^(-(t - as_of_micros) / covisitation.half_life) at a later time t.
// 0 for a row written before weights aged: its weights are at no particular time.
struct PartnerRow {
  std::vector<Partner> partners;
  int64_t as_of_micros = 0;
  // PartnersRevision(a) as it was before the row was read (committed reads only; kUnknown
  // otherwise): while it is still current, the row is still this one.
  uint64_t revision = RowRevisions::kUnknown;
};

// A partner as the apply path tracks it.
struct TrackedPartner {
  uint64_t dense_id = 0;
  float count = 0;  // estimate of c(a, partner), at most `error` too high
  float error = 0;  // the count inherited from the entry this one replaced

  float lower_bound() const { return count - error; }
};

// A row as the apply path tracks it: the counts are at `as_of_micros` (as in PartnerRow).
struct TrackedRow {
  std::vector<TrackedPartner> tracked;
  int64_t as_of_micros = 0;
};

class CoVisitationStore {
 public:
  // `database` must outlive the store.
  explicit CoVisitationStore(Database& database) : db_(database) {}

  // Removes the per-pair weights of the earlier layout, if any (at open, before any writer).
  // Returns whether there were any.
  absl::StatusOr<bool> DropPairWeights();

  // a's partners, heaviest lower bound first (empty when none).
  absl::StatusOr<PartnerRow> FindPartners(uint64_t a, StagedBatch* pending = nullptr) const;
  // The lower bound of c(a, b) at the row's time: 0 when b is not tracked in a's row.
  absl::StatusOr<double> FindWeight(uint64_t a, uint64_t b, StagedBatch* pending = nullptr) const;

  // Everything a's row tracks, in stored order (heaviest lower bound first).
  absl::StatusOr<TrackedRow> FindTracked(uint64_t a, StagedBatch* pending = nullptr) const;
  // Stores `row` as a's row, in the order given (the caller sorts it), its first `partners`
  // entries being a's partners. Ids must be below 2^32.
  void StagePartners(StagedBatch& batch, uint64_t a, const TrackedRow& row, size_t partners);

  // Moves on each time a's row commits (row_revisions.h): a request checks its candidate list's
  // partners against it instead of reading the row.
  uint64_t PartnersRevision(uint64_t a) const { return partner_revisions_.Find(a); }

 private:
  Database& db_;
  RowRevisions partner_revisions_;  // thread-safe itself
};

}  // namespace headliner

#endif  // HEADLINER_STORE_COVISITATION_STORE_H_
