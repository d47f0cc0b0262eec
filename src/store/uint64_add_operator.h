// A RocksDB merge operator that adds 8-byte big-endian integers (wrapping, so that a negative
// delta encoded in two's complement subtracts). Counters updated with it need no read before the
// write, so they can sit in the same WriteBatch as the event that changed them.
#ifndef HEADLINER_STORE_UINT64_ADD_OPERATOR_H_
#define HEADLINER_STORE_UINT64_ADD_OPERATOR_H_

#include <cstdint>
#include <memory>
#include <string>

#include "rocksdb/merge_operator.h"

namespace headliner {

class UInt64AddOperator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& key, const rocksdb::Slice* existing_value,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* logger) const override;
  const char* Name() const override { return "headliner.UInt64AddOperator"; }
};

// The operand that adds `delta` (may be negative).
std::string UInt64AddOperand(int64_t delta);

}  // namespace headliner

#endif  // HEADLINER_STORE_UINT64_ADD_OPERATOR_H_
