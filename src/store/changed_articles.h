// What a committed batch changed, for the state derived from it outside RocksDB and the indexes
// (the ranker's candidate lists): the apply path reports it after each commit.
#ifndef HEADLINER_STORE_CHANGED_ARTICLES_H_
#define HEADLINER_STORE_CHANGED_ARTICLES_H_

#include <cstdint>
#include <vector>

namespace headliner {

struct ChangedArticles {
  // Articles upserted or deleted: their content vectors (and neighbours) changed.
  std::vector<uint64_t> content;
  // Articles whose co-visitation partners changed.
  std::vector<uint64_t> partners;
  // Articles whose behaviour vector changed.
  std::vector<uint64_t> behaviour;

  bool empty() const { return content.empty() && partners.empty() && behaviour.empty(); }
};

}  // namespace headliner

#endif  // HEADLINER_STORE_CHANGED_ARTICLES_H_
