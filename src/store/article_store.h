// The article catalog in RocksDB: articles by dense id, the external-id mapping, embeddings, the
// by-time listing of live articles, encoder document frequencies and catalog counters.
//
// Reads are thread-safe. Writes are staged into a caller-owned StagedBatch (so that the ingest
// layer can add other state, e.g. clicks and Kafka offsets, to the same atomic write) and need a
// single writer: the dense-id counter is not synchronised. A read given the writer's batch sees
// what the batch has staged.
#ifndef HEADLINER_STORE_ARTICLE_STORE_H_
#define HEADLINER_STORE_ARTICLE_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "headliner/v1/article.pb.h"
#include "store/article_metadata.h"
#include "store/catalog_read_cache.h"
#include "store/database.h"
#include "store/staged_batch.h"

namespace headliner {

// An article as stored: its dense id and the Article message without its embedding.
struct StoredArticle {
  uint64_t dense_id = 0;
  v1::Article article;
};

// What the click path needs of the article a click names.
struct ClickedArticle {
  uint64_t dense_id = 0;
  bool live = false;  // false: deleted
  std::string section;
};

struct CatalogCounts {
  uint64_t live = 0;
  uint64_t deleted = 0;
};

class ArticleStore {
 public:
  // Reads the dense-id counter; `database` must outlive the store. FindDenseId and
  // FindByDenseIds keep what they read in a cache of `read_cache_bytes` (catalog_read_cache.h).
  static absl::StatusOr<std::unique_ptr<ArticleStore>> Open(Database& database,
                                                            size_t read_cache_bytes);

  // Lookups. An unknown id is an empty optional, not an error. With `pending`, staged writes
  // are visible.
  absl::StatusOr<std::optional<StoredArticle>> FindByExternalId(
      const std::string& id, StagedBatch* pending = nullptr) const;
  // The article external id `id` names, as it is once `pending` is written. Reads and parses its
  // catalog row only when `pending` (or the batch in flight below it) writes that row; otherwise
  // the id mapping comes from the read cache and the rest from the metadata mirror, which holds
  // every committed row. A click resolves its article this way: per click, the row read and parse
  // were a tenth of staging it (BENCHMARKS.md, issue 14's fifth step).
  absl::StatusOr<std::optional<ClickedArticle>> FindClicked(const std::string& id,
                                                            const StagedBatch& pending) const;
  // The dense id of external id `id` (one read, no parse; none once cached).
  absl::StatusOr<std::optional<uint64_t>> FindDenseId(const std::string& id) const;
  absl::StatusOr<std::optional<v1::Article>> FindByDenseId(uint64_t dense_id,
                                                           StagedBatch* pending = nullptr) const;
  // One result per id, in order; missing ones are empty. Committed state only; articles read
  // before are served from the read cache while no write changed them since.
  absl::StatusOr<std::vector<std::optional<v1::Article>>> FindByDenseIds(
      std::span<const uint64_t> dense_ids) const;
  absl::StatusOr<std::optional<std::vector<float>>> FindEmbedding(
      uint64_t dense_id, StagedBatch* pending = nullptr) const;
  // The same for a request's source: committed state, kept in the read cache while no write
  // changed it since (the refresher's walk over every article uses FindEmbedding, so that it does
  // not push the sources requests ask about out of the cache). Null when absent.
  absl::StatusOr<std::shared_ptr<const std::vector<float>>> FindSourceEmbedding(
      uint64_t dense_id) const;

  // Visits live articles from the newest `published_at` backwards until `visit` returns false
  // or an error, which is returned.
  absl::Status ForEachNewest(
      const std::function<absl::StatusOr<bool>(uint64_t dense_id, int64_t micros)>& visit) const;
  // Visits every stored embedding (start-up index restore); an error from `visit` stops the scan
  // and is returned.
  absl::Status ForEachEmbedding(
      const std::function<absl::Status(uint64_t dense_id, std::vector<float> vector)>& visit) const;
  // Visits every non-zero document frequency and returns the document count; an error from
  // `visit` stops the scan and is returned.
  absl::StatusOr<uint64_t> ForEachFrequency(
      const std::function<absl::Status(uint32_t bucket, uint64_t count)>& visit) const;

  absl::StatusOr<CatalogCounts> Counts() const;

  // Every article's hot metadata, in memory (article_metadata.h): current as of the last
  // committed batch.
  const ArticleMetadataTable& metadata() const { return metadata_; }
  CatalogReadCacheStats read_cache_stats() const { return read_cache_.stats(); }

  // --- Staging writes (single writer) ---
  // A new dense id, persisted by the batch that uses it.
  uint64_t AllocateDenseId(StagedBatch& batch);
  // The id AllocateDenseId gives next; RewindDenseIds(n) makes it `n` again, undoing the
  // allocations of a batch that was abandoned (a replay then allocates the same ids).
  uint64_t next_dense_id() const { return next_dense_id_; }
  void RewindDenseIds(uint64_t next) { next_dense_id_ = next; }
  // Writes `article` (its embedding field is stripped and stored separately when non-empty).
  // `previous` is the stored version or nullptr; the by-time listing and the live/deleted
  // counters are kept consistent with it.
  void StagePut(StagedBatch& batch, uint64_t dense_id, const v1::Article& article,
                const v1::Article* previous, std::span<const float> embedding);
  void StageFrequencies(StagedBatch& batch, std::span<const uint32_t> buckets, int delta);

 private:
  ArticleStore(Database& database, uint64_t next_dense_id, size_t read_cache_bytes)
      : db_(database), next_dense_id_(next_dense_id), read_cache_(read_cache_bytes) {}

  // Fills metadata_ from the catalog (Open).
  absl::Status LoadMetadata();

  Database& db_;
  uint64_t next_dense_id_;  // guarded by the single-writer contract
  ArticleMetadataTable metadata_;
  const CatalogReadCache read_cache_;  // thread-safe itself
};

}  // namespace headliner

#endif  // HEADLINER_STORE_ARTICLE_STORE_H_
