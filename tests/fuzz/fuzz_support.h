// Shared by the fuzz targets: protobuf logs an ERROR line for every string field with invalid
// UTF-8, which fuzzed input hits constantly; the targets discard those logs.
#ifndef HEADLINER_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define HEADLINER_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include "google/protobuf/stubs/logging.h"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  google::protobuf::SetLogHandler(nullptr);  // nullptr discards
  return 0;
}

#endif  // HEADLINER_TESTS_FUZZ_FUZZ_SUPPORT_H_
