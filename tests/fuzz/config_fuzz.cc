// libFuzzer target: the YAML config loader (every section's keys, types, ranges and rules).
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  headliner::Config config;
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  if (headliner::ApplyYaml(yaml, "fuzz.yaml", config).ok()) {
    (void)headliner::ValidateConfig(config);
  }
  return 0;
}
