// A model's weights in Hugging Face's safetensors format, mapped read-only: an 8-byte
// little-endian header length, a JSON header naming each tensor's dtype, shape and byte range
// ({"name": {"dtype": "F32", "shape": [384], "data_offsets": [begin, end]}, "__metadata__": ...}),
// then the tensors' bytes, little-endian. Open checks the whole header against the file (every
// range inside the data, its length the shape's times the dtype's size), so a truncated or
// altered file is an error at load, not a crash at inference.
//
// Thread-safe: const after Open. Spans it returns live as long as the file object.
#ifndef HEADLINER_ENCODE_SAFETENSORS_FILE_H_
#define HEADLINER_ENCODE_SAFETENSORS_FILE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace headliner {

struct SafetensorsTensor {
  std::string dtype;  // "F32", "F16", "BF16", "I64", ...
  std::vector<int64_t> shape;
  absl::Span<const std::byte> bytes;
};

class SafetensorsFile {
 public:
  static absl::StatusOr<std::unique_ptr<SafetensorsFile>> Open(const std::string& path);
  // The same over bytes the caller keeps alive (tests).
  static absl::StatusOr<std::unique_ptr<SafetensorsFile>> FromBytes(
      absl::Span<const std::byte> file, const std::string& name);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  // NOT_FOUND for a name the file does not hold.
  absl::StatusOr<SafetensorsTensor> Find(absl::string_view name) const;
  // An F32 tensor of exactly `shape`, as floats; INVALID_ARGUMENT naming the tensor otherwise.
  absl::StatusOr<absl::Span<const float>> Floats(absl::string_view name,
                                                 const std::vector<int64_t>& shape) const;
  std::vector<std::string> names() const;

 private:
  SafetensorsFile(std::string name, void* mapping, size_t mapped_bytes)
      : name_(std::move(name)), mapping_(mapping), mapped_bytes_(mapped_bytes) {}
  absl::Status ParseHeader(absl::Span<const std::byte> file);

  const std::string name_;  // the path, for messages
  void* const mapping_;     // munmap'd on destruction; null for FromBytes
  const size_t mapped_bytes_;
  std::map<std::string, SafetensorsTensor, std::less<>> tensors_;
};

}  // namespace headliner

#endif  // HEADLINER_ENCODE_SAFETENSORS_FILE_H_
