#include "store/article_metadata.h"

#include <algorithm>

#include "common/time_util.h"

namespace headliner {

ArticleMetadataTable::ArticleMetadataTable() {
  section_codes_.emplace("", 0);
  section_names_.emplace_back();
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
  if (dense_id >> 32 != 0) return;
  MutexLock lock(&mu_);
  Row& row = *rows_.Mutable(dense_id);
  const uint32_t section_code = Intern(section_codes_, section);
  if (section_code == section_names_.size()) section_names_.push_back(section);
  const uint64_t codes = uint64_t{section_code} << 32 |
                         uint64_t{Intern(language_codes_, language)} << 1 | (live ? 1 : 0);
  row.published_micros.store(published_micros, std::memory_order_relaxed);
  row.codes.store(codes, std::memory_order_release);
  row.revision.store(row.revision.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  if (dense_id >= end_id_.load(std::memory_order_relaxed)) {
    end_id_.store(dense_id + 1, std::memory_order_release);
  }
}

void ArticleMetadataTable::Find(std::span<const uint64_t> dense_ids,
                                std::span<ArticleMetadata> out) const {
  for (size_t i = 0; i < dense_ids.size() && i < out.size(); ++i) out[i] = Find(dense_ids[i]);
}

uint32_t ArticleMetadataTable::Revision(uint64_t dense_id) const {
  const Row* row = rows_.Find(dense_id);
  return row == nullptr ? 0 : row->revision.load(std::memory_order_acquire);
}

ArticleMetadata ArticleMetadataTable::Find(uint64_t dense_id) const {
  const Row* found = rows_.Find(dense_id);
  if (found == nullptr) return {};
  const Row& row = *found;
  const uint64_t codes = row.codes.load(std::memory_order_acquire);
  ArticleMetadata out;
  out.published_micros = row.published_micros.load(std::memory_order_relaxed);
  out.section = static_cast<uint32_t>(codes >> 32);
  out.language = static_cast<uint32_t>(codes >> 1) & 0x7fffffffu;
  out.live = (codes & 1) != 0;
  return out;
}

std::string ArticleMetadataTable::SectionName(uint32_t code) const {
  ReaderMutexLock lock(&mu_);
  return code < section_names_.size() ? section_names_[code] : std::string();
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
