// Co-visitation counts in RocksDB: for each ordered pair of articles (a, b) read in the same
// session within a window, a time-decayed weight c(a, b) (kept symmetric by the writer), and for
// each article a bounded list of its heaviest partners, so serving reads one value per article.
//
// Reads are thread-safe; with `pending` they see the writer's staged batch. Writes are staged by
// the single ingest writer.
#ifndef HEADLINER_STORE_COVISITATION_STORE_H_
#define HEADLINER_STORE_COVISITATION_STORE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "store/database.h"
#include "store/staged_batch.h"

namespace headliner {

struct Partner {
  uint64_t dense_id = 0;
  double weight = 0;  // c(a, partner)
};

class CoVisitationStore {
 public:
  // `database` must outlive the store.
  explicit CoVisitationStore(Database& database) : db_(database) {}

  // c(a, b); zero when never seen together.
  absl::StatusOr<double> FindWeight(uint64_t a, uint64_t b, StagedBatch* pending = nullptr) const;
  void StageWeight(StagedBatch& batch, uint64_t a, uint64_t b, double weight);

  // a's heaviest partners, heaviest first (empty when none).
  absl::StatusOr<std::vector<Partner>> FindPartners(uint64_t a,
                                                    StagedBatch* pending = nullptr) const;
  void StagePartners(StagedBatch& batch, uint64_t a, const std::vector<Partner>& partners);

 private:
  Database& db_;
};

}  // namespace headliner

#endif  // HEADLINER_STORE_COVISITATION_STORE_H_
