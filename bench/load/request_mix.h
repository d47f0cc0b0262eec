// The requests the load generator sends, drawn once before the run (no random numbers on the hot
// path): source articles with Zipf popularity over the catalog (rank 0 the most read), a session
// id from the click history on every request (so recent clicks exist and are excluded), a
// section filter on a share of them, `limit` 10.
#ifndef HEADLINER_BENCH_LOAD_REQUEST_MIX_H_
#define HEADLINER_BENCH_LOAD_REQUEST_MIX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "headliner/v1/related.pb.h"

namespace headliner::bench {

struct RequestMixOptions {
  std::string catalog_path;  // JSON lines of v1::Article (headliner-cli sample)
  std::string clicks_path;   // JSON lines of v1::ClickEvent (headliner-cli simulate); optional
  int requests = 100000;     // distinct requests drawn (then cycled)
  double zipf_exponent = 1.0;
  double section_filter_share = 0.2;
  int limit = 10;
  uint64_t seed = 1;
};

absl::StatusOr<std::vector<v1::GetRelatedRequest>> DrawRequests(const RequestMixOptions& options);

}  // namespace headliner::bench

#endif  // HEADLINER_BENCH_LOAD_REQUEST_MIX_H_
