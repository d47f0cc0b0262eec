#include "store/article_metadata.h"

#include <algorithm>

#include "common/time_util.h"

namespace headliner {

ArticleMetadataTable::ArticleMetadataTable() {
  section_codes_.emplace("", 0);
  language_codes_.emplace("", 0);
}

uint32_t ArticleMetadataTable::Intern(absl::flat_hash_map<std::string, uint32_t>& codes,
                                      const std::string& name) {
  return codes.try_emplace(name, static_cast<uint32_t>(codes.size())).first->second;
}

void ArticleMetadataTable::Set(uint64_t dense_id, const v1::Article& article) {
  Set(dense_id, ToMicros(article.published_at()), article.section(), article.language(),
      !article.deleted());
}

void ArticleMetadataTable::Set(uint64_t dense_id, int64_t published_micros,
                               const std::string& section, const std::string& language, bool live) {
  MutexLock lock(&mu_);
  if (dense_id >= rows_.size()) {
    // Dense ids are allocated in order, so this grows by amortised doubling.
    rows_.resize(std::max<size_t>(dense_id + 1, rows_.size() * 2));
  }
  ArticleMetadata& row = rows_[dense_id];
  end_id_ = std::max(end_id_, dense_id + 1);
  row.published_micros = published_micros;
  row.section = Intern(section_codes_, section);
  row.language = Intern(language_codes_, language);
  row.live = live;
}

void ArticleMetadataTable::Find(std::span<const uint64_t> dense_ids,
                                std::span<ArticleMetadata> out) const {
  ReaderMutexLock lock(&mu_);
  for (size_t i = 0; i < dense_ids.size() && i < out.size(); ++i) {
    out[i] = dense_ids[i] < rows_.size() ? rows_[dense_ids[i]] : ArticleMetadata{};
  }
}

ArticleMetadata ArticleMetadataTable::Find(uint64_t dense_id) const {
  ArticleMetadata out;
  Find({&dense_id, 1}, {&out, 1});
  return out;
}

std::optional<uint32_t> ArticleMetadataTable::SectionCode(absl::string_view name) const {
  ReaderMutexLock lock(&mu_);
  auto it = section_codes_.find(name);
  if (it == section_codes_.end()) return std::nullopt;
  return it->second;
}

std::optional<uint32_t> ArticleMetadataTable::LanguageCode(absl::string_view name) const {
  ReaderMutexLock lock(&mu_);
  auto it = language_codes_.find(name);
  if (it == language_codes_.end()) return std::nullopt;
  return it->second;
}

}  // namespace headliner

namespace headliner {

uint64_t ArticleMetadataTable::end_id() const {
  ReaderMutexLock lock(&mu_);
  return end_id_;
}

}  // namespace headliner
