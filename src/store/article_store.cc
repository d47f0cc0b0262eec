#include "store/article_store.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "store/keys.h"
#include "store/uint64_add_operator.h"

namespace headliner {
namespace {

constexpr char kNextDenseIdKey[] = "next_dense_id";
constexpr char kLiveCountKey[] = "articles_live";
constexpr char kDeletedCountKey[] = "articles_deleted";
constexpr char kDocumentsKey[] = "documents";

absl::StatusOr<v1::Article> ParseArticle(const std::string& bytes, uint64_t dense_id) {
  v1::Article article;
  if (!article.ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("catalog entry ", dense_id, " does not parse"));
  }
  return article;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ArticleStore>> ArticleStore::Open(Database& database,
                                                                 size_t read_cache_bytes) {
  ASSIGN_OR_RETURN(uint64_t next, database.GetCounter(Column::kMeta, kNextDenseIdKey));
  std::unique_ptr<ArticleStore> store(new ArticleStore(database, next, read_cache_bytes));
  RETURN_IF_ERROR(store->LoadMetadata());
  return store;
}

absl::Status ArticleStore::LoadMetadata() {
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db().NewIterator(rocksdb::ReadOptions(), db_.handle(Column::kCatalog)));
  v1::Article article;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::optional<uint64_t> dense_id = DecodeU64(it->key().ToString());
    if (!dense_id) return absl::DataLossError("catalog key is malformed");
    if (!article.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("catalog entry ", *dense_id, " does not parse"));
    }
    metadata_.Set(*dense_id, article);
  }
  return FromRocks(it->status(), "catalog scan");
}

absl::StatusOr<std::optional<StoredArticle>> ArticleStore::FindByExternalId(
    const std::string& id, StagedBatch* pending) const {
  ASSIGN_OR_RETURN(std::optional<std::string> dense, ReadThrough(db_, pending, Column::kIds, id));
  if (!dense) return std::nullopt;
  std::optional<uint64_t> dense_id = DecodeU64(*dense);
  if (!dense_id) return absl::DataLossError("id mapping of " + id + " is malformed");
  ASSIGN_OR_RETURN(std::optional<v1::Article> article, FindByDenseId(*dense_id, pending));
  if (!article) return absl::DataLossError("id " + id + " maps to a missing catalog entry");
  return StoredArticle{*dense_id, std::move(*article)};
}

absl::StatusOr<std::optional<ClickedArticle>> ArticleStore::FindClicked(
    const std::string& id, const StagedBatch& pending) const {
  std::optional<uint64_t> dense_id;
  if (const std::optional<std::string>* staged = pending.FindPending(Column::kIds, id)) {
    if (!*staged) return std::nullopt;
    dense_id = DecodeU64(**staged);
    if (!dense_id) return absl::DataLossError("id mapping of " + id + " is malformed");
  } else {
    ASSIGN_OR_RETURN(dense_id, FindDenseId(id));
    if (!dense_id) return std::nullopt;
  }
  const std::optional<std::string>* row =
      pending.FindPending(Column::kCatalog, EncodeU64(*dense_id));
  if (row == nullptr && metadata_.Revision(*dense_id) != 0) {
    // Committed and not changed since: the mirror has it (every committed row below 2^32).
    const ArticleMetadata meta = metadata_.Find(*dense_id);
    return ClickedArticle{*dense_id, meta.live, metadata_.SectionName(meta.section)};
  }
  std::optional<v1::Article> article;
  if (row == nullptr) {
    ASSIGN_OR_RETURN(article, FindByDenseId(*dense_id));
  } else if (*row) {
    ASSIGN_OR_RETURN(article, ParseArticle(**row, *dense_id));
  }
  if (!article) return absl::DataLossError("id " + id + " maps to a missing catalog entry");
  return ClickedArticle{*dense_id, !article->deleted(), article->section()};
}

absl::StatusOr<std::optional<uint64_t>> ArticleStore::FindDenseId(const std::string& id) const {
  if (std::optional<uint64_t> cached = read_cache_.FindDenseId(id)) return cached;
  ASSIGN_OR_RETURN(std::optional<std::string> dense, db_.Get(Column::kIds, id));
  if (!dense) return std::nullopt;  // not cached: the id may be created any time
  std::optional<uint64_t> dense_id = DecodeU64(*dense);
  if (!dense_id) return absl::DataLossError("id mapping of " + id + " is malformed");
  read_cache_.PutDenseId(id, *dense_id);  // committed mappings never change
  return dense_id;
}

absl::StatusOr<std::optional<v1::Article>> ArticleStore::FindByDenseId(uint64_t dense_id,
                                                                       StagedBatch* pending) const {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   ReadThrough(db_, pending, Column::kCatalog, EncodeU64(dense_id)));
  if (!bytes) return std::nullopt;
  return ParseArticle(*bytes, dense_id);
}

absl::StatusOr<std::vector<std::optional<v1::Article>>> ArticleStore::FindByDenseIds(
    std::span<const uint64_t> dense_ids) const {
  std::vector<std::optional<v1::Article>> out(dense_ids.size());
  // Each revision is read before its row (catalog_read_cache.h); the rows not cached under it are
  // read together.
  std::vector<uint32_t> revisions(dense_ids.size());
  std::vector<size_t> missed;
  std::vector<std::string> keys;
  for (size_t i = 0; i < dense_ids.size(); ++i) {
    revisions[i] = metadata_.Revision(dense_ids[i]);
    if (revisions[i] != 0) out[i] = read_cache_.FindArticle(dense_ids[i], revisions[i]);
    if (out[i]) continue;
    missed.push_back(i);
    keys.push_back(EncodeU64(dense_ids[i]));
  }
  if (missed.empty()) return out;
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_.db().MultiGet(rocksdb::ReadOptions(), db_.handle(Column::kCatalog), slices.size(),
                    slices.data(), values.data(), statuses.data());
  for (size_t j = 0; j < missed.size(); ++j) {
    const size_t i = missed[j];
    if (statuses[j].IsNotFound()) continue;
    if (!statuses[j].ok()) return FromRocks(statuses[j], "catalog multi-get");
    v1::Article article;
    if (!article.ParseFromArray(values[j].data(), static_cast<int>(values[j].size()))) {
      return absl::DataLossError(absl::StrCat("catalog entry ", dense_ids[i], " does not parse"));
    }
    // Revision 0: no metadata row (never committed as far as the table knows), not cached.
    if (revisions[i] != 0) read_cache_.PutArticle(dense_ids[i], revisions[i], article);
    out[i] = std::move(article);
  }
  return out;
}

absl::StatusOr<std::optional<std::vector<float>>> ArticleStore::FindEmbedding(
    uint64_t dense_id, StagedBatch* pending) const {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   ReadThrough(db_, pending, Column::kEmbeddings, EncodeU64(dense_id)));
  if (!bytes) return std::nullopt;
  auto floats = DecodeFloats(*bytes);
  if (!floats) return absl::DataLossError(absl::StrCat("embedding ", dense_id, " is malformed"));
  return floats;
}

absl::StatusOr<std::shared_ptr<const std::vector<float>>> ArticleStore::FindSourceEmbedding(
    uint64_t dense_id) const {
  const uint32_t revision = metadata_.Revision(dense_id);  // before the row: see the cache
  if (revision != 0) {
    if (auto cached = read_cache_.FindEmbedding(dense_id, revision)) return cached;
  }
  ASSIGN_OR_RETURN(std::optional<std::vector<float>> embedding, FindEmbedding(dense_id));
  if (!embedding) return nullptr;
  auto shared = std::make_shared<const std::vector<float>>(*std::move(embedding));
  if (revision != 0) read_cache_.PutEmbedding(dense_id, revision, shared);
  return shared;
}

absl::Status ArticleStore::ForEachNewest(
    const std::function<absl::StatusOr<bool>(uint64_t dense_id, int64_t micros)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db().NewIterator(rocksdb::ReadOptions(), db_.handle(Column::kByTime)));
  for (it->SeekToLast(); it->Valid(); it->Prev()) {
    int64_t micros = 0;
    uint64_t dense_id = 0;
    if (!DecodeTimeKey(it->key().ToStringView(), micros, dense_id)) continue;
    ASSIGN_OR_RETURN(const bool more, visit(dense_id, micros));
    if (!more) break;
  }
  return FromRocks(it->status(), "by-time scan");
}

absl::Status ArticleStore::ForEachEmbedding(
    const std::function<absl::Status(uint64_t dense_id, std::vector<float> vector)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db().NewIterator(rocksdb::ReadOptions(), db_.handle(Column::kEmbeddings)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto id = DecodeU64(it->key().ToStringView());
    auto vec = DecodeFloats(it->value().ToStringView());
    if (!id || !vec) return absl::DataLossError("malformed embedding entry");
    RETURN_IF_ERROR(visit(*id, std::move(*vec)));
  }
  return FromRocks(it->status(), "embedding scan");
}

absl::StatusOr<uint64_t> ArticleStore::ForEachFrequency(
    const std::function<absl::Status(uint32_t bucket, uint64_t count)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db().NewIterator(rocksdb::ReadOptions(), db_.handle(Column::kFrequencies)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto bucket = DecodeU32(it->key().ToStringView());
    auto count = DecodeU64(it->value().ToStringView());
    if (!bucket || !count) return absl::DataLossError("malformed frequency entry");
    if (*count != 0) RETURN_IF_ERROR(visit(*bucket, *count));
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "frequency scan"));
  return db_.GetCounter(Column::kMeta, kDocumentsKey);
}

absl::StatusOr<CatalogCounts> ArticleStore::Counts() const {
  CatalogCounts counts;
  ASSIGN_OR_RETURN(counts.live, db_.GetCounter(Column::kMeta, kLiveCountKey));
  ASSIGN_OR_RETURN(counts.deleted, db_.GetCounter(Column::kMeta, kDeletedCountKey));
  return counts;
}

uint64_t ArticleStore::AllocateDenseId(StagedBatch& batch) {
  const uint64_t id = next_dense_id_++;
  batch.Put(Column::kMeta, kNextDenseIdKey, EncodeU64(next_dense_id_));
  return id;
}

void ArticleStore::StagePut(StagedBatch& batch, uint64_t dense_id, const v1::Article& article,
                            const v1::Article* previous, std::span<const float> embedding) {
  const std::string key = EncodeU64(dense_id);
  v1::Article stripped = article;
  stripped.clear_embedding();
  batch.Put(Column::kCatalog, key, stripped.SerializeAsString());
  batch.OnCommit(
      [this, dense_id, published = ToMicros(article.published_at()), section = article.section(),
       language = article.language(),
       live = !article.deleted()] { metadata_.Set(dense_id, published, section, language, live); });
  if (previous == nullptr) batch.Put(Column::kIds, article.id(), key);

  // Keep the by-time listing to live articles only.
  if (previous != nullptr && !previous->deleted()) {
    batch.Delete(Column::kByTime, EncodeTimeKey(ToMicros(previous->published_at()), dense_id));
  }
  if (!article.deleted()) {
    batch.Put(Column::kByTime, EncodeTimeKey(ToMicros(article.published_at()), dense_id), "");
  }

  if (article.deleted()) {
    batch.Delete(Column::kEmbeddings, key);
  } else if (!embedding.empty()) {
    batch.Put(Column::kEmbeddings, key, EncodeFloats(embedding));
  }

  const int was_live = (previous != nullptr && !previous->deleted()) ? 1 : 0;
  const int was_deleted = (previous != nullptr && previous->deleted()) ? 1 : 0;
  const int is_live = article.deleted() ? 0 : 1;
  if (is_live != was_live) {
    batch.Add(Column::kMeta, kLiveCountKey, is_live - was_live);
  }
  if ((1 - is_live) != was_deleted) {
    batch.Add(Column::kMeta, kDeletedCountKey, (1 - is_live) - was_deleted);
  }
}

void ArticleStore::StageFrequencies(StagedBatch& batch, std::span<const uint32_t> buckets,
                                    int delta) {
  for (uint32_t b : buckets) batch.Add(Column::kFrequencies, EncodeU32(b), delta);
  batch.Add(Column::kMeta, kDocumentsKey, delta);
}

}  // namespace headliner
