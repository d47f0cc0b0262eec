#include "store/row_revisions.h"

namespace headliner {

void RowRevisions::Advance(uint64_t dense_id) {
  if (std::atomic<uint32_t>* revision = revisions_.Mutable(dense_id)) {
    revision->fetch_add(1, std::memory_order_acq_rel);
  }
}

uint64_t RowRevisions::Find(uint64_t dense_id) const {
  if (dense_id >> 32 != 0) return kUnknown;
  const std::atomic<uint32_t>* revision = revisions_.Find(dense_id);
  return revision == nullptr ? 0 : revision->load(std::memory_order_acquire);
}

}  // namespace headliner
