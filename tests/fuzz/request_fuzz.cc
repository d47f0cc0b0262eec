// libFuzzer target: GetRelated requests as the service receives them (bytes on the wire), parsed
// and validated, then turned into the ranker's filter and limit.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "headliner/v1/related.pb.h"
#include "rank/ranking_config.h"
#include "serve/request_limits.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace headliner;
  v1::GetRelatedRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  static const RankingConfig ranking;
  if (!ValidateGetRelated(request, ranking).ok()) return 0;
  (void)ToArticleFilter(request.filter());
  (void)EffectiveLimit(request, ranking);
  return 0;
}
