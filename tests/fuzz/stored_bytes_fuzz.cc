// libFuzzer target: every parser of stored bytes. The first byte chooses a record kind; the rest
// is written as that record's value, exactly where its table keeps it, into a real RocksDB
// instance (opened once, in a temporary directory), and then read back through the table's
// public Find/ForEach methods, which must return an error (DataLoss) or a value, never crash.
// Also the key decoders themselves.
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "fuzz_support.h"
#include "store/keys.h"
#include "store/tables.h"

namespace headliner {
namespace {

constexpr uint64_t kId = 7;
constexpr int kDimension = 8;

// The database the target writes into; opened once for the whole run.
struct Fixture {
  Fixture() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "headliner-fuzz-XXXXXX").string();
    dir = mkdtemp(tmpl.data());
    DatabaseOptions options;
    options.min_free_bytes = 0;
    database = *Database::Open(dir, options);
    tables = *Tables::Open(*database, kDimension, /*catalog_read_cache_bytes=*/1 << 20);
  }
  std::string dir;
  std::unique_ptr<Database> database;
  std::unique_ptr<Tables> tables;
};

Fixture& TheFixture() {
  static Fixture fixture;
  return fixture;
}

void ReadEverything(const Tables& t) {
  (void)t.articles().FindByDenseId(kId);
  (void)t.articles().FindByExternalId("x");
  (void)t.articles().FindEmbedding(kId);
  (void)t.articles().Counts();
  (void)t.articles().ForEachNewest([](uint64_t, int64_t) -> absl::StatusOr<bool> { return true; });
  (void)t.articles().ForEachEmbedding(
      [](uint64_t, std::vector<float>) { return absl::OkStatus(); });
  (void)t.clicks().FindEvent("e");
  (void)t.clicks().FindSession("s/x");
  (void)t.clicks().FindArticleActivity(kId);
  (void)t.clicks().FindSectionActivity("world");
  (void)t.clicks().FindTrending("world");
  (void)t.clicks().TotalClicks();
  (void)t.covisitation().FindWeight(kId, kId + 1);
  (void)t.covisitation().FindPartners(kId);
  (void)t.behaviour().Find(kId);
  (void)t.behaviour().FindNegativePool();
  (void)t.behaviour().ForEachInput([](uint64_t, std::vector<float>) { return absl::OkStatus(); });
  (void)t.offsets().Find("topic", 0);
  (void)t.offsets().All();
  (void)t.rejections().All();
  (void)t.dead_letters().Pending(10);
  (void)t.dead_letters().Counts();
}

}  // namespace
}  // namespace headliner

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace headliner;
  if (size == 0) return 0;
  const std::string value(reinterpret_cast<const char*>(data + 1), size - 1);
  // The key decoders, on the raw bytes.
  (void)DecodeU64(value);
  (void)DecodeU32(value);
  (void)DecodeFloats(value);
  int64_t micros = 0;
  uint64_t dense_id = 0;
  (void)DecodeTimeKey(value, micros, dense_id);

  struct Slot {
    Column column;
    std::string key;
    bool merge;
  };
  const std::string id = EncodeU64(kId);
  const Slot slots[] = {
      {Column::kCatalog, id, false},
      {Column::kIds, "x", false},
      {Column::kEmbeddings, id, false},
      {Column::kByTime, value.substr(0, 16), false},  // the key is the payload here
      {Column::kFrequencies, EncodeU32(3), true},
      {Column::kMeta, "next_dense_id", false},
      {Column::kMeta, "clicks_applied", true},
      {Column::kMeta, "rejected/clicks/x", false},
      {Column::kMeta, "dead_letters/staged", false},
      {Column::kMeta, std::string("outbox/t") + '\0' + EncodeU32(0) + EncodeU64(1), false},
      {Column::kOffsets, std::string("topic") + '\0' + EncodeU32(0), false},
      {Column::kSessions, "s/x", false},
      {Column::kActivity, "a" + id, false},
      {Column::kActivity, "sworld", false},
      {Column::kClickEvents, "e", false},
      {Column::kCoVisits, id + EncodeU64(kId + 1), false},
      {Column::kPartners, id, false},
      {Column::kBehaviour, id, false},
      {Column::kTrending, "world", false},
      {Column::kMeta, "behaviour/pool_chunk/" + EncodeU32(0), false},
      {Column::kMeta, "behaviour/pool/" + EncodeU32(0), false},
  };
  const Slot& slot = slots[data[0] % (sizeof(slots) / sizeof(slots[0]))];
  Fixture& f = TheFixture();
  rocksdb::WriteBatch put;
  rocksdb::ColumnFamilyHandle* handle = f.database->handle(slot.column);
  if (slot.merge) {
    (void)put.Merge(handle, slot.key, value);
  } else {
    (void)put.Put(handle, slot.key, value);
  }
  if (!f.database->Write(put).ok()) return 0;
  ReadEverything(*f.tables);
  rocksdb::WriteBatch undo;  // each input starts from an empty database
  (void)undo.Delete(handle, slot.key);
  (void)f.database->Write(undo);
  return 0;
}
