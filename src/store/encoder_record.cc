#include "store/encoder_record.h"

#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace headliner {
namespace {

constexpr absl::string_view kEncoderKey = "encoder";

rocksdb::Slice Slice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

absl::Status Mismatch(absl::string_view stored, absl::string_view wanted) {
  return absl::FailedPreconditionError(absl::StrCat(
      "the data dir's vectors were made by encoder ", stored, " but the config asks for ", wanted,
      " (encoder.kind/dimension); vectors of different encoders cannot be mixed: set encoder.kind "
      "(and encoder.dimension) to what the data dir was built with, or start a new data dir and "
      "replay the articles topic into it"));
}

}  // namespace

absl::Status CheckEncoderRecord(Database& database, const ArticleStore& articles,
                                absl::string_view identity) {
  ASSIGN_OR_RETURN(std::optional<std::string> stored,
                   database.Get(Column::kMeta, Slice(kEncoderKey)));
  if (stored.has_value()) {
    return *stored == identity ? absl::OkStatus() : Mismatch(*stored, identity);
  }
  ASSIGN_OR_RETURN(const CatalogCounts counts, articles.Counts());
  if (counts.live + counts.deleted > 0 && !absl::StartsWith(identity, "hashed/")) {
    return Mismatch("hashed (recorded before encoder.kind existed)", identity);
  }
  if (database.read_only()) return absl::OkStatus();  // recorded by the next writable start
  rocksdb::WriteBatch batch;
  batch.Put(database.handle(Column::kMeta), Slice(kEncoderKey), Slice(identity));
  return database.Write(batch);
}

}  // namespace headliner
