// The catalog rows a request reads, in memory: the dense id of an external id, the parsed Article
// of a dense id, and the embedding of a request's source. A request resolves its source's id and
// fills the ten or so articles it shows; from RocksDB that was a point read and a multi-get with a
// parse per article, each probing the row cache of every table file on the key's path, about a
// fifth of a request's time at 100k articles. The articles shown follow the sources' popularity, so
// a small cache holds most of them.
//
// What makes a cached row current:
//  - the external-id mapping never changes once committed (ArticleApplier reuses a stored
//    article's dense id; a delete keeps the row), so mappings read from RocksDB are kept as they
//    are; an unknown id is not cached (it may be created at any time);
//  - an article or embedding is cached with the revision its metadata had before the row was read
//    (ArticleMetadataTable::Revision, which moves on after every committed write of the row). A
//    lookup gives the article only while that revision is still current, so a write makes the
//    entry unusable as soon as it is committed. Reading the revision before the row means a row
//    is never older than the revision it is filed under.
//
// Bounded by `capacity_bytes`: a quarter for mappings, half for articles, a quarter for embeddings
// (common/generational_cache.h).
//
// Thread safety: every method may be called from any thread.
#ifndef HEADLINER_STORE_CATALOG_READ_CACHE_H_
#define HEADLINER_STORE_CATALOG_READ_CACHE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/generational_cache.h"
#include "headliner/v1/article.pb.h"

namespace headliner {

struct CatalogReadCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t bytes = 0;
};

class CatalogReadCache {
 public:
  // capacity_bytes 0 caches nothing (every Find misses).
  explicit CatalogReadCache(size_t capacity_bytes);

  CatalogReadCache(const CatalogReadCache&) = delete;
  CatalogReadCache& operator=(const CatalogReadCache&) = delete;

  std::optional<uint64_t> FindDenseId(absl::string_view external_id) const;
  void PutDenseId(absl::string_view external_id, uint64_t dense_id) const;

  // The article of `dense_id` if it was cached under `revision`, the current one.
  std::optional<v1::Article> FindArticle(uint64_t dense_id, uint32_t revision) const;
  void PutArticle(uint64_t dense_id, uint32_t revision, const v1::Article& article) const;

  // The embedding of `dense_id` if it was cached under `revision`, the current one.
  std::shared_ptr<const std::vector<float>> FindEmbedding(uint64_t dense_id,
                                                          uint32_t revision) const;
  void PutEmbedding(uint64_t dense_id, uint32_t revision,
                    std::shared_ptr<const std::vector<float>> embedding) const;

  CatalogReadCacheStats stats() const;

 private:
  struct CachedArticle {
    uint32_t revision;
    v1::Article article;
  };
  mutable GenerationalCache<std::string, uint64_t> ids_;
  mutable GenerationalCache<uint64_t, std::shared_ptr<const CachedArticle>> articles_;
  struct CachedEmbedding {
    uint32_t revision;
    std::shared_ptr<const std::vector<float>> vector;
  };
  mutable GenerationalCache<uint64_t, CachedEmbedding> embeddings_;
  mutable std::atomic<uint64_t> hits_{0};
  mutable std::atomic<uint64_t> misses_{0};
};

}  // namespace headliner

#endif  // HEADLINER_STORE_CATALOG_READ_CACHE_H_
