#include "store/expiry_filter.h"

#include <cstring>

namespace headliner {

bool ExpiryFilter::Filter(int /*level*/, const rocksdb::Slice& /*key*/, const rocksdb::Slice& value,
                          std::string* /*new_value*/, bool* /*value_changed*/) const {
  const int64_t now = clock_.Now();
  if (ttl_micros_ <= 0 || now == std::numeric_limits<int64_t>::min()) return false;
  if (value.size() < sizeof(int64_t)) return false;  // not ours to judge
  if (layout_ == Layout::kTimeOnly && value.size() != sizeof(int64_t)) return false;
  int64_t micros = 0;
  std::memcpy(&micros, value.data() + value.size() - sizeof(int64_t), sizeof(micros));
  return micros < now - ttl_micros_;  // true removes the entry
}

}  // namespace headliner
