#include "store/catalog_read_cache.h"

#include <utility>

namespace headliner {

CatalogReadCache::CatalogReadCache(size_t capacity_bytes)
    : ids_(capacity_bytes / 4,
           [](const std::string& id, uint64_t) { return id.size() + sizeof(uint64_t); }),
      articles_(capacity_bytes / 2,
                [](uint64_t, const std::shared_ptr<const CachedArticle>& cached) {
                  return sizeof(CachedArticle) + cached->article.SpaceUsedLong();
                }),
      embeddings_(capacity_bytes / 4, [](uint64_t, const CachedEmbedding& cached) {
        return sizeof(std::vector<float>) + cached.vector->size() * sizeof(float);
      }) {}

std::optional<uint64_t> CatalogReadCache::FindDenseId(absl::string_view external_id) const {
  std::optional<uint64_t> found = ids_.Find(external_id);
  (found ? hits_ : misses_).fetch_add(1, std::memory_order_relaxed);
  return found;
}

void CatalogReadCache::PutDenseId(absl::string_view external_id, uint64_t dense_id) const {
  ids_.Put(std::string(external_id), dense_id);
}

std::optional<v1::Article> CatalogReadCache::FindArticle(uint64_t dense_id,
                                                         uint32_t revision) const {
  std::optional<v1::Article> found;
  // Written since it was cached: the caller reads it again and puts the newer one.
  if (auto cached = articles_.Find(dense_id); cached && (*cached)->revision == revision) {
    found = (*cached)->article;
  }
  (found ? hits_ : misses_).fetch_add(1, std::memory_order_relaxed);
  return found;
}

void CatalogReadCache::PutArticle(uint64_t dense_id, uint32_t revision,
                                  const v1::Article& article) const {
  articles_.Put(dense_id, std::make_shared<const CachedArticle>(CachedArticle{revision, article}));
}

std::shared_ptr<const std::vector<float>> CatalogReadCache::FindEmbedding(uint64_t dense_id,
                                                                          uint32_t revision) const {
  std::shared_ptr<const std::vector<float>> found;
  if (auto cached = embeddings_.Find(dense_id); cached && cached->revision == revision) {
    found = cached->vector;
  }
  (found ? hits_ : misses_).fetch_add(1, std::memory_order_relaxed);
  return found;
}

void CatalogReadCache::PutEmbedding(uint64_t dense_id, uint32_t revision,
                                    std::shared_ptr<const std::vector<float>> embedding) const {
  embeddings_.Put(dense_id, CachedEmbedding{revision, std::move(embedding)});
}

CatalogReadCacheStats CatalogReadCache::stats() const {
  CatalogReadCacheStats s;
  s.hits = hits_.load(std::memory_order_relaxed);
  s.misses = misses_.load(std::memory_order_relaxed);
  s.bytes = ids_.Stats().bytes + articles_.Stats().bytes + embeddings_.Stats().bytes;
  return s;
}

}  // namespace headliner
