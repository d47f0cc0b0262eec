#include "encode/safetensors_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace headliner {
namespace {

// Beyond this a header is not a model's (this one's is 11 KB).
constexpr uint64_t kMaxHeaderBytes = 100 << 20;

size_t DtypeBytes(absl::string_view dtype) {
  if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
  if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL") return 1;
  return 0;
}

// A non-negative integer from a JSON number (exact below 2^53).
bool ToCount(const google::protobuf::Value& v, uint64_t& out) {
  if (v.kind_case() != google::protobuf::Value::kNumberValue) return false;
  const double d = v.number_value();
  if (!(d >= 0 && d <= 9007199254740992.0) || d != static_cast<double>(static_cast<uint64_t>(d))) {
    return false;
  }
  out = static_cast<uint64_t>(d);
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SafetensorsFile>> SafetensorsFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::NotFoundError(absl::StrCat(path, ": ", std::strerror(errno)));
  struct stat st;
  if (::fstat(fd, &st) != 0 || st.st_size < 8) {
    ::close(fd);
    return absl::InvalidArgumentError(absl::StrCat(path, ": not a safetensors file (too short)"));
  }
  const size_t size = static_cast<size_t>(st.st_size);
  void* mapping = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);  // the mapping keeps the file
  if (mapping == MAP_FAILED) {
    return absl::InternalError(absl::StrCat(path, ": mmap: ", std::strerror(errno)));
  }
  std::unique_ptr<SafetensorsFile> file(new SafetensorsFile(path, mapping, size));
  RETURN_IF_ERROR(file->ParseHeader({static_cast<const std::byte*>(mapping), size}));
  return file;
}

absl::StatusOr<std::unique_ptr<SafetensorsFile>> SafetensorsFile::FromBytes(
    absl::Span<const std::byte> bytes, const std::string& name) {
  std::unique_ptr<SafetensorsFile> file(new SafetensorsFile(name, nullptr, 0));
  RETURN_IF_ERROR(file->ParseHeader(bytes));
  return file;
}

SafetensorsFile::~SafetensorsFile() {
  if (mapping_ != nullptr) ::munmap(mapping_, mapped_bytes_);
}

absl::Status SafetensorsFile::ParseHeader(absl::Span<const std::byte> file) {
  auto bad = [this](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(name_, ": not a valid safetensors file: ", why));
  };
  if (file.size() < 8) return bad("shorter than its header length");
  uint64_t header_bytes = 0;
  for (int i = 7; i >= 0; --i)
    header_bytes = (header_bytes << 8) | std::to_integer<uint8_t>(file[i]);
  if (header_bytes > kMaxHeaderBytes || header_bytes > file.size() - 8) {
    return bad("header length past the end of the file");
  }
  const absl::string_view json(reinterpret_cast<const char*>(file.data() + 8), header_bytes);
  google::protobuf::Struct header;
  if (!google::protobuf::util::JsonStringToMessage(std::string(json), &header).ok()) {
    return bad("header is not a JSON object");
  }
  const absl::Span<const std::byte> data = file.subspan(8 + header_bytes);
  for (const auto& [tensor, value] : header.fields()) {
    if (tensor == "__metadata__") continue;
    const auto& fields = value.struct_value().fields();
    const auto dtype = fields.find("dtype");
    const auto shape = fields.find("shape");
    const auto offsets = fields.find("data_offsets");
    if (dtype == fields.end() || shape == fields.end() || offsets == fields.end() ||
        offsets->second.list_value().values_size() != 2) {
      return bad(absl::StrCat(tensor, ": needs dtype, shape and data_offsets"));
    }
    SafetensorsTensor t;
    t.dtype = dtype->second.string_value();
    uint64_t elements = 1, begin = 0, end = 0;
    for (const google::protobuf::Value& d : shape->second.list_value().values()) {
      uint64_t n = 0;
      if (!ToCount(d, n) || (n != 0 && elements > (uint64_t{1} << 53) / n)) {
        return bad(absl::StrCat(tensor, ": bad shape"));
      }
      elements *= n;
      t.shape.push_back(static_cast<int64_t>(n));
    }
    const size_t width = DtypeBytes(t.dtype);
    if (width == 0) return bad(absl::StrCat(tensor, ": unknown dtype ", t.dtype));
    if (!ToCount(offsets->second.list_value().values(0), begin) ||
        !ToCount(offsets->second.list_value().values(1), end) || begin > end || end > data.size() ||
        end - begin != elements * width) {
      return bad(absl::StrCat(tensor, ": data_offsets do not fit its shape or the file"));
    }
    t.bytes = data.subspan(begin, end - begin);
    tensors_.emplace(tensor, std::move(t));
  }
  return absl::OkStatus();
}

absl::StatusOr<SafetensorsTensor> SafetensorsFile::Find(absl::string_view name) const {
  const auto it = tensors_.find(name);
  if (it == tensors_.end()) return absl::NotFoundError(absl::StrCat(name_, ": no tensor ", name));
  return it->second;
}

absl::StatusOr<absl::Span<const float>> SafetensorsFile::Floats(
    absl::string_view name, const std::vector<int64_t>& shape) const {
  ASSIGN_OR_RETURN(const SafetensorsTensor t, Find(name));
  if (t.dtype != "F32" || t.shape != shape) {
    return absl::InvalidArgumentError(absl::StrCat(name_, ": tensor ", name, " is ", t.dtype, "[",
                                                   absl::StrJoin(t.shape, ", "), "], expected F32[",
                                                   absl::StrJoin(shape, ", "), "]"));
  }
  if (reinterpret_cast<uintptr_t>(t.bytes.data()) % alignof(float) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(name_, ": tensor ", name, " is not aligned"));
  }
  return absl::Span<const float>(reinterpret_cast<const float*>(t.bytes.data()),
                                 t.bytes.size() / sizeof(float));
}

std::vector<std::string> SafetensorsFile::names() const {
  std::vector<std::string> out;
  for (const auto& [name, t] : tensors_) out.push_back(name);
  return out;
}

}  // namespace headliner
