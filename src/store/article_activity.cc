#include "store/article_activity.h"

#include <algorithm>

namespace headliner {

void ArticleActivityTable::Set(uint64_t dense_id, const Activity& activity) {
  MutexLock lock(&mu_);
  if (dense_id >= rows_.size()) rows_.resize(std::max<size_t>(dense_id + 1, rows_.size() * 2));
  rows_[dense_id] = activity;
}

std::vector<Activity> ArticleActivityTable::Find(std::span<const uint64_t> dense_ids) const {
  std::vector<Activity> out(dense_ids.size());
  ReaderMutexLock lock(&mu_);
  for (size_t i = 0; i < dense_ids.size(); ++i) {
    if (dense_ids[i] < rows_.size()) out[i] = rows_[dense_ids[i]];
  }
  return out;
}

}  // namespace headliner
