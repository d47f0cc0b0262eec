#include "store/uint64_add_operator.h"

#include "store/keys.h"

namespace headliner {

bool UInt64AddOperator::Merge(const rocksdb::Slice& /*key*/, const rocksdb::Slice* existing_value,
                              const rocksdb::Slice& value, std::string* new_value,
                              rocksdb::Logger* /*logger*/) const {
  uint64_t base = 0;
  if (existing_value != nullptr) {
    // A corrupt base value is treated as zero rather than failing the whole read path.
    base = DecodeU64(existing_value->ToStringView()).value_or(0);
  }
  const uint64_t delta = DecodeU64(value.ToStringView()).value_or(0);
  *new_value = EncodeU64(base + delta);
  return true;
}

std::string UInt64AddOperand(int64_t delta) { return EncodeU64(static_cast<uint64_t>(delta)); }

}  // namespace headliner
