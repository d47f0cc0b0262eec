// Conversions between protobuf well-known time types and absl time.
#ifndef HEADLINER_COMMON_TIME_UTIL_H_
#define HEADLINER_COMMON_TIME_UTIL_H_

#include <cstdint>

#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace headliner {

absl::Time FromProto(const google::protobuf::Timestamp& ts);
absl::Duration FromProto(const google::protobuf::Duration& d);
google::protobuf::Timestamp ToProtoTimestamp(absl::Time t);
google::protobuf::Duration ToProtoDuration(absl::Duration d);

// Microseconds since the Unix epoch; the unit stored in RocksDB keys and values.
int64_t ToMicros(const google::protobuf::Timestamp& ts);

}  // namespace headliner

#endif  // HEADLINER_COMMON_TIME_UTIL_H_
