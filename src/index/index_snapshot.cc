#include "index/index_snapshot.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "index/main_segment.h"

namespace headliner {
namespace {

constexpr char kMagic[8] = {'H', 'L', 'N', 'R', 'I', 'D', 'X', '1'};
// 2: moved entries (main-segment entries updated in place) after the masked labels. A file of
// another version is refused, and the engine rebuilds the index instead.
constexpr uint32_t kFormatVersion = 2;

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

// Writes bytes and keeps their CRC-32.
class SnapshotWriter {
 public:
  SnapshotWriter(FILE* file, std::string path) : file_(file), path_(std::move(path)) {}

  void Bytes(const void* data, size_t size) {
    if (!ok_ || size == 0) return;
    const auto* p = static_cast<const Bytef*>(data);
    for (size_t done = 0; done < size;) {
      const uInt chunk = static_cast<uInt>(std::min<size_t>(size - done, 1u << 30));
      crc_ = crc32(crc_, p + done, chunk);
      done += chunk;
    }
    ok_ = std::fwrite(data, 1, size, file_) == size;
  }
  template <typename T>
  void Value(T v) {
    Bytes(&v, sizeof(v));
  }
  template <typename T>
  void Array(const std::vector<T>& v) {
    Value<uint64_t>(v.size());
    Bytes(v.data(), v.size() * sizeof(T));
  }
  // The CRC of everything written, then flush to disk.
  absl::Status Finish() {
    const uint32_t crc = static_cast<uint32_t>(crc_);
    Bytes(&crc, sizeof(crc));
    if (!ok_ || std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0) {
      return ErrnoError("cannot write", path_);
    }
    return absl::OkStatus();
  }

 private:
  FILE* file_;
  std::string path_;
  uLong crc_ = crc32(0L, Z_NULL, 0);
  bool ok_ = true;
};

// Reads bytes, keeping their CRC-32, and refuses lengths longer than what is left of the file
// (a damaged length must not allocate gigabytes).
class SnapshotReader {
 public:
  SnapshotReader(FILE* file, uint64_t size) : file_(file), left_(size) {}

  bool Bytes(void* data, size_t size) {
    if (!ok_ || size > left_) return ok_ = false;
    if (size == 0) return true;
    if (std::fread(data, 1, size, file_) != size) return ok_ = false;
    auto* p = static_cast<const Bytef*>(data);
    for (size_t done = 0; done < size;) {
      const uInt chunk = static_cast<uInt>(std::min<size_t>(size - done, 1u << 30));
      crc_ = crc32(crc_, p + done, chunk);
      done += chunk;
    }
    left_ -= size;
    return true;
  }
  template <typename T>
  bool Value(T& v) {
    return Bytes(&v, sizeof(v));
  }
  template <typename T>
  bool Array(std::vector<T>& v) {
    uint64_t n = 0;
    if (!Value(n) || n > left_ / sizeof(T)) return ok_ = false;
    v.resize(n);
    return Bytes(v.data(), n * sizeof(T));
  }
  // Whether the stored CRC matches and nothing follows it.
  bool Finish() {
    const uint32_t expected = static_cast<uint32_t>(crc_);
    uint32_t stored = 0;
    return Value(stored) && stored == expected && left_ == 0;
  }

 private:
  FILE* file_;
  uint64_t left_;
  uLong crc_ = crc32(0L, Z_NULL, 0);
  bool ok_ = true;
};

struct Header {
  uint32_t version = kFormatVersion;
  uint32_t dimension = 0;
  uint32_t hnsw_m = 0;
  uint32_t code_size = 0;  // bytes per main-segment entry: says float32 or int8 storage
  uint64_t position = 0;
};

Header HeaderOf(const VectorIndex& index, uint64_t position) {
  Header h;
  h.dimension = static_cast<uint32_t>(index.dimension());
  h.hnsw_m = static_cast<uint32_t>(index.config().hnsw_m);
  h.code_size = static_cast<uint32_t>(MainSegment::CodeSize(index.config(), index.dimension()));
  h.position = position;
  return h;
}

void WriteGraph(SnapshotWriter& out, const faiss::HNSW& g) {
  out.Array(g.assign_probas);
  out.Array(g.cum_nneighbor_per_level);
  out.Array(g.levels);
  out.Array(g.offsets);
  out.Array(g.neighbors);
  out.Value<int32_t>(g.entry_point);
  out.Value<int32_t>(g.max_level);
  out.Value<int32_t>(g.upper_beam);
}

bool ReadGraph(SnapshotReader& in, faiss::HNSW& g) {
  int32_t entry_point = 0, max_level = 0, upper_beam = 0;
  if (!in.Array(g.assign_probas) || !in.Array(g.cum_nneighbor_per_level) || !in.Array(g.levels) ||
      !in.Array(g.offsets) || !in.Array(g.neighbors) || !in.Value(entry_point) ||
      !in.Value(max_level) || !in.Value(upper_beam)) {
    return false;
  }
  g.entry_point = entry_point;
  g.max_level = max_level;
  g.upper_beam = upper_beam;
  return true;
}

// Whether a graph over `n` entries holds together, so that a search cannot leave its arrays.
bool GraphFits(const faiss::HNSW& g, size_t n) {
  const auto& cum = g.cum_nneighbor_per_level;
  if (g.levels.size() != n || g.offsets.size() != n + 1 || g.offsets[0] != 0 || cum.empty() ||
      g.offsets[n] != g.neighbors.size() || g.max_level < 0 ||
      static_cast<size_t>(g.max_level) + 1 >= cum.size() || g.assign_probas.empty()) {
    return false;
  }
  if (n > 0 && (g.entry_point < 0 || static_cast<size_t>(g.entry_point) >= n)) return false;
  for (size_t i = 1; i < cum.size(); ++i) {
    if (cum[i] < cum[i - 1]) return false;
  }
  for (size_t i = 0; i < n; ++i) {
    const int level = g.levels[i];
    if (level < 1 || static_cast<size_t>(level) >= cum.size() || level - 1 > g.max_level ||
        g.offsets[i + 1] < g.offsets[i] ||
        g.offsets[i + 1] - g.offsets[i] != static_cast<size_t>(cum[level])) {
      return false;
    }
  }
  for (faiss::HNSW::storage_idx_t v : g.neighbors) {
    if (v < -1 || v >= static_cast<faiss::HNSW::storage_idx_t>(n)) return false;
  }
  return true;
}

absl::Status Damaged(const std::string& path, absl::string_view what) {
  return absl::DataLossError(absl::StrCat("index snapshot ", path, " is damaged: ", what));
}

}  // namespace

absl::StatusOr<IndexSnapshotInfo> WriteIndexSnapshot(const VectorIndex& index, uint64_t position,
                                                     const std::string& path) {
  const VectorIndex::Contents contents = index.Export();
  const std::string temporary = path + ".tmp";
  File file(std::fopen(temporary.c_str(), "wb"));
  if (file == nullptr) return ErrnoError("cannot create", temporary);
  SnapshotWriter out(file.get(), temporary);
  out.Bytes(kMagic, sizeof(kMagic));
  const Header header = HeaderOf(index, position);
  out.Value(header);
  out.Value<uint8_t>(contents.main != nullptr);
  if (contents.main != nullptr) {
    out.Array(contents.main->ids());
    out.Array(contents.main->codes());
    WriteGraph(out, contents.main->hnsw().hnsw);
  }
  out.Array(contents.masked);
  out.Array(contents.moved);
  out.Array(contents.moved_codes);
  out.Array(contents.delta_ids);
  out.Array(contents.delta_vectors);
  absl::Status written = out.Finish();
  file.reset();
  if (written.ok() && std::rename(temporary.c_str(), path.c_str()) != 0) {
    written = ErrnoError("cannot rename", path);
  }
  if (!written.ok()) {
    std::remove(temporary.c_str());  // a partial file (a full disk) must not keep the space
    return written;
  }
  // The rename itself is durable once the directory is synced.
  const std::string dir = std::filesystem::path(path).parent_path().string();
  if (int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY); fd >= 0) {
    (void)::fsync(fd);
    ::close(fd);
  }
  IndexSnapshotInfo info;
  info.position = position;
  info.entries = (contents.main ? contents.main->size() : 0) + contents.delta_ids.size();
  std::error_code ec;
  info.bytes = std::filesystem::file_size(path, ec);
  return info;
}

absl::StatusOr<IndexSnapshotInfo> ReadIndexSnapshot(const std::string& path, VectorIndex& index) {
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) return absl::NotFoundError(absl::StrCat("no index snapshot at ", path));
  File file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  SnapshotReader in(file.get(), size);
  char magic[sizeof(kMagic)];
  Header header;
  if (!in.Bytes(magic, sizeof(magic)) || std::memcmp(magic, kMagic, sizeof(kMagic)) != 0 ||
      !in.Value(header) || header.version != kFormatVersion) {
    return Damaged(path, "not an index snapshot of this format");
  }
  const Header expected = HeaderOf(index, header.position);
  if (header.dimension != expected.dimension || header.hnsw_m != expected.hnsw_m ||
      header.code_size != expected.code_size) {
    return absl::FailedPreconditionError(
        absl::StrCat("index snapshot ", path, " has dimension ", header.dimension, ", hnsw_m ",
                     header.hnsw_m, ", code size ", header.code_size, "; this index ",
                     expected.dimension, ", ", expected.hnsw_m, ", ", expected.code_size));
  }
  uint8_t has_main = 0;
  std::vector<uint64_t> ids;
  std::vector<uint8_t> codes;
  faiss::HNSW graph;
  VectorIndex::Contents contents;
  if (!in.Value(has_main) || has_main > 1) return Damaged(path, "header");
  if (has_main && (!in.Array(ids) || !in.Array(codes) || !ReadGraph(in, graph))) {
    return Damaged(path, "main segment truncated");
  }
  if (!in.Array(contents.masked) || !in.Array(contents.moved) || !in.Array(contents.moved_codes) ||
      !in.Array(contents.delta_ids) || !in.Array(contents.delta_vectors) || !in.Finish()) {
    return Damaged(path, "truncated or checksum mismatch");
  }
  if (has_main) {
    if (codes.size() != ids.size() * header.code_size || !GraphFits(graph, ids.size())) {
      return Damaged(path, "main segment does not hold together");
    }
    contents.main = std::make_shared<const MainSegment>(
        index.dimension(), index.config(), std::move(ids), std::move(codes), std::move(graph));
  }
  const uint64_t entries = (contents.main ? contents.main->size() : 0) + contents.delta_ids.size();
  if (absl::Status s = index.Import(std::move(contents)); !s.ok()) {
    return Damaged(path, s.message());
  }
  return IndexSnapshotInfo{header.position, entries, size};
}

}  // namespace headliner
