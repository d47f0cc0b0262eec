// The hot metadata of every article, in memory: what ranking needs to filter and score a
// candidate without reading and parsing its catalog row (live or deleted, published time, section,
// language). It mirrors the `catalog` column family: ArticleStore fills it when it opens and
// changes it only when a batch that wrote the catalog commits (StagedBatch::OnCommit), so it
// never shows a write that could still be abandoned.
//
// Section and language names are held as small codes; a request's filter is translated to codes
// once (SectionCode, LanguageCode).
//
// Thread safety: any number of readers and one writer (the apply path). Rows are read without a
// lock: a filtered index search looks up the row of every graph node it visits, and a reader
// lock per lookup was 14% of a filtered request's time. Rows live in chunks that never move once
// allocated; a chunk's pointer is published with a release store and each field of a row is an
// atomic, so a reader sees each field either before or after a concurrent Set (a row updated while
// it is read may mix the two, each of which was true a moment apart). `mu_` serialises writers
// and guards the name codes.
#ifndef HEADLINER_STORE_ARTICLE_METADATA_H_
#define HEADLINER_STORE_ARTICLE_METADATA_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "common/mutex.h"
#include "headliner/v1/article.pb.h"
#include "store/dense_id_table.h"

namespace headliner {

struct ArticleMetadata {
  int64_t published_micros = 0;
  uint32_t section = 0;   // code of the section name; 0 is "" (none)
  uint32_t language = 0;  // code of the language; 0 is ""
  bool live = false;      // false for deleted and unknown articles
};

class ArticleMetadataTable {
 public:
  ArticleMetadataTable();

  ArticleMetadataTable(const ArticleMetadataTable&) = delete;
  ArticleMetadataTable& operator=(const ArticleMetadataTable&) = delete;

  // Records `article` (deleted or not) as the metadata of `dense_id`. Ids from 2^32 on are not
  // recorded (CandidateList holds dense ids in 32 bits too).
  void Set(uint64_t dense_id, const v1::Article& article);
  void Set(uint64_t dense_id, int64_t published_micros, const std::string& section,
           const std::string& language, bool live);

  // The metadata of each of `dense_ids`, in order; an unknown id is not live.
  void Find(std::span<const uint64_t> dense_ids, std::span<ArticleMetadata> out) const;
  ArticleMetadata Find(uint64_t dense_id) const;

  // The code of a section or language name, or empty when no article ever had it (then no
  // article can match a filter on it).
  std::optional<uint32_t> SectionCode(absl::string_view name) const;
  std::optional<uint32_t> LanguageCode(absl::string_view name) const;
  // The name of a section code ("" for an unknown code).
  std::string SectionName(uint32_t code) const;

  // A number that changes every time the row of `dense_id` is set: a reader that saw the same
  // revision before and after reading the article's catalog row knows no write committed in
  // between that it missed (CatalogReadCache). 0 for an unknown id.
  uint32_t Revision(uint64_t dense_id) const;

  // One past the highest dense id recorded (dense ids are allocated in order, newest last).
  uint64_t end_id() const { return end_id_.load(std::memory_order_acquire); }

 private:
  struct Row {
    std::atomic<int64_t> published_micros{0};
    std::atomic<uint64_t> codes{0};     // section << 32 | language << 1 | live
    std::atomic<uint32_t> revision{0};  // stored last, after the fields of the write it counts
  };

  static uint32_t Intern(absl::flat_hash_map<std::string, uint32_t>& codes,
                         const std::string& name);

  mutable Mutex mu_;  // serialises Set, guards the name codes
  DenseIdTable<Row> rows_;
  std::atomic<uint64_t> end_id_{0};
  absl::flat_hash_map<std::string, uint32_t> section_codes_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> section_names_ ABSL_GUARDED_BY(mu_);  // by code
  absl::flat_hash_map<std::string, uint32_t> language_codes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace headliner

#endif  // HEADLINER_STORE_ARTICLE_METADATA_H_
